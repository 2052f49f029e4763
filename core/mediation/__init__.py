"""Mediation centre (矛盾纠纷多元化解中心): mediation cases, agreements, roster, mentorships."""
