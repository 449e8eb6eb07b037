"""`frontline flows lint`: the step graph and the checks a loaded flow can still fail."""
