"""Pure grammars for Russian report text: numbers, values, percents, money, dates, statuses."""
