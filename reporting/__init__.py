"""What the answers say: statistics per class, base and programme, comparison of bases, exports.

Pure Python on SciPy: no database and no web code.
"""
