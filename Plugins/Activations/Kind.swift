// KindActivations: built-in layer kind.
