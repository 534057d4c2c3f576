"""The RabbitMQ transport (aio-pika/aiormq); see ``transport`` for the topology."""

from genius.platform.bus.rabbit.subscription import RabbitSubscription
from genius.platform.bus.rabbit.transport import RabbitTransport

__all__ = ["RabbitSubscription", "RabbitTransport"]
