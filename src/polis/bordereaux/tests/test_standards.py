"""The column maps against money-brief §4: written from the brief's lists, not from the code."""

from polis.bordereaux.standards import CLAIMS, RISK_PREMIUM

# Risk/Premium "mandatory" set of the public v5.2 implementation [CRS-IMPL].
RISK_MANDATORY = {
    "CR0001": "Reporting Period Start Date",
    "CR0002": "Reporting Period End Date",
    "CR0005": "UMR",
    "CR0006": "Agreement Number",
    "CR0010": "Year of Account",
    "CR0013": "Coverholder Name",
    "CR0014": "Coverholder PIN",
    "CR0016": "Risk Code",
    "CR0017": "Class of Business",
    "CR0019": "Type of Insurance",
    "CR0020": "Original Currency",
    "CR0021": "Total Gross Written Premium",
    "CR0022": "Risk Transaction Type",
    "CR0026": "Policy or Group Reference",
    "CR0029": "Certificate Reference",
    "CR0030": "Risk Inception Date",
    "CR0031": "Risk Expiry Date",
    "CR0056": "Premium Transaction Type",
    "CR0057": "Effective Date of Transaction",
    "CR0059": "Gross Premium Paid This Time",
    "CR0061": "Commission Percentage",
    "CR0062": "Commission Amount",
    "CR0064": "Total Taxes and Levies",
    "CR0925": "Total Fee Amount",
    "CR0065": "Net Premium to London (Original Currency)",
    "CR0066": "Settlement Currency",
    "CR0067": "Rate of Exchange",
    "CR0068": "Net Premium to London (Settlement Currency)",
    "CR0288": "Number of Instalments",
    "CR0289": "Instalment Basis",
    "CR1297": "Lloyds Platform",
}
# Claims: "must be reported" and the key dates, v5.2 user guide pp. 22–24 [TRUEBIND].
CLAIMS_MANDATORY = {
    "CR0029": "Certificate Reference",
    "CR0035": "Insured Full Name, Last Name or Company Name",
    "CR0104": "Claim Reference / Number",
    "CR0105": "Claim Status",
    "CR0119": "Date of Loss (From)",
    "CR0136": "Date Claim First Advised / Date Claim Made",
}


def _mandatory(columns) -> dict[str, str]:
    return {c.code: c.header for c in columns if c.mandatory}


def test_the_risk_premium_map_has_exactly_the_mandatory_set_with_its_names():
    assert _mandatory(RISK_PREMIUM) == RISK_MANDATORY


def test_the_claims_map_has_exactly_the_mandatory_set_with_its_names():
    assert _mandatory(CLAIMS) == CLAIMS_MANDATORY


def test_the_brief_s_other_columns_are_there_with_their_codes():
    # insured name, tax detail (CR0077–0083) on the risk side; paid, reserve, incurred on claims
    risk = {c.code for c in RISK_PREMIUM}
    assert {"CR0035", "CR0077", "CR0078", "CR0079", "CR0080", "CR0083"} <= risk
    assert {"CR0126", "CR0130", "CR0155", "CR0110"} <= {c.code for c in CLAIMS}


def test_each_code_appears_once_and_a_column_without_a_code_is_never_mandatory():
    for columns in (RISK_PREMIUM, CLAIMS):
        codes = [c.code for c in columns if c.code]
        assert len(codes) == len(set(codes))
        assert not [c.header for c in columns if c.code is None and c.mandatory]
        assert len({c.title for c in columns}) == len(columns)
