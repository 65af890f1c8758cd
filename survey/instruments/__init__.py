"""Which questionnaires and training plan a class uses, stored so they freeze once used."""
