"""Supervision (监督追责, DOMAIN.md §6): 催办/督办/挂牌督办, letters, registration spot checks, risk early warning."""
