"""Performance benchmarks of the dashboard, each measured against a one-line Streamlit app.

Run ``python -m benchmarks --help``; see benchmarks/README.md for the method.
"""
