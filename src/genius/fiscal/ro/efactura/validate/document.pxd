# Cython declarations for the optional compiled build (setup.py); plain Python ignores this file.
# The index's Node as a C struct: the walk that builds it and the lookups on it are most of the
# validator's work per element.
cdef class Node:
    cdef public object _kids
    cdef public object el
    cdef public str name
    cdef public object parent
    cdef public object text
