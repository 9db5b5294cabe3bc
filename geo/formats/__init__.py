"""One module per outside format. Readers return frames in schema columns; writers take them."""
