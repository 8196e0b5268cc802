"""Notebook 06, part 1: why a convolution and not a dense layer (locality, weight sharing), measured."""
