"""MC2CM workshop dataset: schema, loading, validation (pure Python, no Streamlit)."""
