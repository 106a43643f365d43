from tests.access import ADMIN, OPERATOR, Rule, only

# POG: the sales outside the target market are reported to the MGA, not to the firms.
RULES = [Rule("practices:target_market_report", only(OPERATOR, ADMIN))]
