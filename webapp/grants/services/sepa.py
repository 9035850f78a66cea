"""The SEPA credit-transfer file of a payment batch: `pain.001.001.03` (what Dutch banks accept), made with
sepaxml and checked by it against the XSD it ships. One transaction per grant, from the gemeente's own
account (the round's `debtor_*` settings); remittance "Startbijdrage <round> <application number>"; an
end-to-end id per grant."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sepaxml import SepaTransfer  # type: ignore[import-untyped]

SCHEMA = "pain.001.001.03"
REMITTANCE_MAX = 140  # SEPA: unstructured remittance information


@dataclass(frozen=True)
class Transfer:
    name: str          # account holder
    iban: str
    bic: str           # "" when unknown
    amount_cents: int
    remittance: str
    end_to_end_id: str


def remittance(round_name: str, application_id: int) -> str:
    """"Startbijdrage <round name> <application number>", the round name shortened to fit 140 characters."""
    tail = f" {application_id}"
    head = "Startbijdrage "
    name = " ".join(round_name.split())[:REMITTANCE_MAX - len(head) - len(tail)].rstrip()
    return f"{head}{name}{tail}"


def end_to_end_id(batch_id: int, application_id: int) -> str:
    return f"BUURTPLEK-{batch_id}-{application_id}"[:35]


def build(debtor_name: str, debtor_iban: str, debtor_bic: str, execution_date: date,
          transfers: list[Transfer]) -> tuple[str, bytes]:
    """(message id, the XML file), validated against the pain.001.001.03 XSD by sepaxml."""
    config = {"name": debtor_name, "IBAN": debtor_iban, "batch": True, "currency": "EUR"}
    if debtor_bic:
        config["BIC"] = debtor_bic
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    for t in transfers:
        payment = {"name": t.name, "IBAN": t.iban, "amount": t.amount_cents, "execution_date": execution_date,
                   "description": t.remittance, "endtoend_id": t.end_to_end_id}
        if t.bic:
            payment["BIC"] = t.bic
        transfer.add_payment(payment)
    return str(transfer.msg_id), transfer.export(validate=True)
