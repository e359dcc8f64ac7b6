"""Small helpers shared by every layer (file reading with precise error locations)."""
