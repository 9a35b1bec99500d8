"""Every figure, computed once: one module per figure family over tables that carry a partnership column,
grouped by partnership and period (compute.py runs them; a report's register is a slice of the same result).
Missing inputs give a blank figure ([x]), never 0."""
