"""Awards: the catalogue of titles and forms with dated legal parameters, eligibility, proposals, decisions,
the registry of awards, prize money and certificates."""
