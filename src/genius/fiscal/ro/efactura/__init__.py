"""RO e-Factura: the EN 16931 invoice model, its computations, JSON form and CIUS-RO UBL builder."""

from genius.fiscal.ro.efactura.model import *  # noqa: F403
from genius.fiscal.ro.efactura.model import __all__ as _model_all

__all__ = [*_model_all]
