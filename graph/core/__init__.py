"""The core: dates, the records of a dataset, the one lifetime rule, the time model and the
words that describe change. It imports nothing else of this project, so every other layer
(input/output, drawing and export, the page and the CLI) can build on it."""
