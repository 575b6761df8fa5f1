"""Tiny Hugging Face models trained locally: no download, saved with `save_pretrained`."""
