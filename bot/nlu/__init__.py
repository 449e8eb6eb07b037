"""NLU helpers: parse messages with a trained model, evaluate on a held-out set."""
