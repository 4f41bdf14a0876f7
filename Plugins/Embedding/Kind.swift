// KindEmbedding: built-in layer kind.
