"""What the advisor will not do, checked in code rather than hoped for from a prompt.

- ``screen(question)``: questions it declines before any tool runs: reading another person's data, changing its
  instructions or role, naming securities or promising returns, tax or legal advice beyond general education.
- ``output_problem(text)``: what a model's answer may not contain (a ticker or security, a guaranteed return,
  personal tax or legal advice); the engine then uses the written answer instead.
- ``disclaimer_for(text, tools)``: the disclaimer every answer that touches investing or debt carries.

The patterns are deliberately broad: declining a harmless question costs the person a rephrase; answering a
harmful one costs trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_QUESTION = 500  # characters; longer questions are cut

INVESTING_DISCLAIMER = (
    "This is general information from your own figures, not investment advice: it names no securities and "
    "promises no returns. Investments can lose value; for advice on your situation, talk to a licensed adviser.")
DEBT_DISCLAIMER = (
    "This is general information from your own figures, not debt or credit advice. If repayments are hard to "
    "manage, a free debt-advice service can help.")
TAX_DISCLAIMER = (
    "This is general education, not tax or legal advice: the rules depend on where you live and your situation. "
    "A tax adviser or lawyer can tell you what applies to you.")


@dataclass(frozen=True)
class Refusal:
    reason: str  # other_user | instructions | securities | guarantee | tax_legal | harmful
    text: str
    disclaimer: str = ""


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Reading someone else's data, or the system's.
_OTHER_USER = _rx(
    r"\b(?:other|another|all|every|any)\s+(?:users?|customers?|people|persons?|members?|accounts? holders?)\b(?!\s+like me)",
    r"\buser\s*(?:#|no\.?|number|id)?\s*\d+\b", r"\buser[_ ]?id\b", r"\bsomeone\s+else'?s?\b",
    r"\b(?:my\s+)?(?:neighbou?r|boss|colleague|ex|friend|brother|sister|wife|husband|partner|mother|father|mom|mum|dad)'s\s+"
    r"(?:account|money|spending|transactions?|balance|salary|income|bank|finances|data)",
    r"\b(?:his|her|their)\s+(?:account|transactions|balance|salary|spending|finances|bank details)\b",
    r"\b(?:my|our|the)\s+(?:neighbou?r|boss|colleague|ex|friend|brother|sister|wife|husband|partner|mother|father|mom|mum|"
    r"dad|son|daughter|flatmate|roommate|landlord|tenant)s?\s+(?:spends?|spent|earns?|earned|owes?|makes?|has|have|pays?|"
    r"paid|saves?|saved)\b",
    r"\b(?:does|did|do|is|has|will)\s+my\s+(?:neighbou?r|boss|colleague|ex|friend|brother|sister|wife|husband|partner|"
    r"mother|father|mom|mum|dad|son|daughter|flatmate|roommate)\b",
    r"\bselect\s+(?:\*|\w+\s+from)", r"\b(?:database|sql|drop\s+table|admin\s+(?:panel|password|access)|password(?:s)?\s+of|api[_ ]?keys?|"
    r"secret[_ ]?key|env(?:ironment)?\s+variables?)\b",
    r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b",  # a person by email address
    r"\b(?:whose|which\s+users?)\b.*\b(?:richest|spend|balance|earn)",
    # a person by name: "Peter's spending", "the account of Maria Schmidt", "money belonging to Tom"
    r"(?-i:\b[A-Z][a-z]+)'s\s+(?:spending|account|accounts|balance|money|transactions|salary|income|finances|"
    r"budget|bills|savings|debts?)\b",
    r"\b(?:account|accounts|money|finances|spending|salary|transactions|balance)\s+(?:of|belonging\s+to|owned\s+by)\s+"
    r"(?!my\b|me\b|mine\b)(?-i:[A-Z][a-z]+)\b",
)
# Changing the advisor's instructions or role.
_INSTRUCTIONS = _rx(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules?|prompt|guardrails?|"
    r"restrictions?|previous|above|system)\b",
    r"\b(?:system|developer|hidden|initial)\s+(?:prompt|message|instructions?)\b",
    r"\b(?:reveal|show|print|repeat|tell me)\b.{0,30}\b(?:your|the)\s+(?:instructions?|prompt|rules|configuration)\b",
    r"\byou(?:'re|\s+are)\s+now\b", r"\b(?:admin|god|sudo|root|debug)\s+mode\b", r"\bact\s+as\b", r"\bpretend\s+(?:to\s+be|you(?:'re|\s+are))\b", r"\broleplay\b",
    r"\bjailbreak\b", r"\bdeveloper\s+mode\b", r"\bDAN\b", r"\bno\s+(?:restrictions|limits|filters)\b",
    r"\bnew\s+instructions?\b", r"<\s*/?\s*(?:system|assistant|im_start|im_end)\s*>", r"\[\s*(?:system|INST)\s*\]",
)
# Specific securities, products to buy, or promised returns.
_SECURITIES = _rx(
    r"\b(?:which|what|best|good|top|recommend\w*)\b.{0,30}\b(?:stocks?|shares?|etfs?|funds?|crypto(?:currency|currencies)?|"
    r"coins?|bonds?|options|securities|tickers?)\b.{0,30}\b(?:buy|invest|pick|choose|get|put)\b",
    r"\b(?:should|shall|can)\s+i\s+(?:buy|sell|short|invest\s+in)\s+(?:some\s+|more\s+)?(?:shares?|stocks?|etfs?|"
    r"crypto\w*|bitcoin|ethereum|bonds?|index\s+funds?|gold)\b",
    r"\b(?:bitcoin|ethereum|dogecoin|solana|tesla|apple|nvidia|amazon\s+stock|gamestop|s&p\s*500\s+fund)\b.{0,40}\b"
    r"(?:buy|invest|sell|worth|price)\b",
    r"\b(?:which|what)\s+(?:stocks?|shares?|etfs?|funds?|crypto\w*|coins?|bonds?|securities)\b",
    r"\bbest\s+(?:stocks?|shares?|etfs?|funds?|crypto\w*|coins?|bonds?|investments?)\b",
    r"\$[A-Z]{1,5}\b", r"\bticker\b", r"\bstock\s+tips?\b", r"\bhot\s+(?:stock|tip|pick)\b",
)
_GUARANTEE = _rx(
    r"\bguarant\w*\b.{0,40}\b(?:returns?|profits?|gains?|income|\d+\s*%)",
    r"\b(?:double|triple|10x)\s+my\s+money\b", r"\bget\s+rich\b", r"\brisk[- ]?free\s+(?:returns?|profits?|investments?)\b",
    r"\bsure\s+(?:thing|bet|win)\b", r"\bpromise\b.{0,40}\b(?:rich|returns?|profits?|gains?|wealthy|millionaire)\b",
    r"\bmake\s+me\s+(?:rich|a\s+millionaire|wealthy)\b",
)
_TAX_LEGAL = _rx(
    r"\b(?:can|should|could|may)\s+i\s+(?:deduct|claim|write\s+off|expense)\b", r"\btax[- ]?deductible\b",
    r"\bwrite[- ]?offs?\b", r"\btax\s+(?:advice|return|bracket|rules?|law|loopholes?|planning|refund|free)\b",
    r"\bhow\s+(?:do|can|should)\s+i\s+(?:file|pay\s+less|reduce|avoid|lower|minimi[sz]e)\b.{0,20}\btax",
    r"\bis\b.{0,40}\btaxable\b", r"\b(?:irs|hmrc|finanzamt)\b", r"\bcapital\s+gains\s+tax\b",
    r"\blegal\s+advice\b", r"\blawyer\b", r"\blawsuit\b", r"\bcan\s+i\s+sue\b", r"\bis\s+it\s+legal\b",
    r"\b(?:bankruptcy|insolvency)\b", r"\binheritance\s+law\b",
)
_HARMFUL = _rx(
    r"\blaunder\w*\b", r"\b(?:evade|evading|evasion)\b", r"\bhide\s+(?:money|income|assets)\s+from\b",
    r"\b(?:commit|do|get\s+away\s+with)\s+fraud\b", r"\bphishing\b", r"\bfake\s+(?:invoice|receipt|payslip)s?\b",
)


def screen(question: str) -> Refusal | None:
    """A refusal for a question the advisor declines, or None to answer it."""
    if _INSTRUCTIONS.search(question):
        return Refusal("instructions", "I can't change how I work or show my instructions. I answer questions "
                                       "about your own money from your own figures.")
    if _OTHER_USER.search(question):
        return Refusal("other_user", "I can only look at your own money: your accounts, spending, bills, budgets "
                                     "and goals. I can't see or share anyone else's data, or the system's.")
    if _HARMFUL.search(question):
        return Refusal("harmful", "I can't help with that. I can help you understand and plan your own money.")
    if _GUARANTEE.search(question):
        return Refusal("guarantee", "Nobody can honestly promise a return: every investment can lose value. "
                                    "I can tell you whether you are ready to invest and how much you could set "
                                    "aside each month — ask \"Am I ready to invest?\"", INVESTING_DISCLAIMER)
    if _SECURITIES.search(question):
        return Refusal("securities", "I don't recommend specific stocks, funds, coins or other securities. I can "
                                     "tell you whether you are ready to invest, how much you could invest each month "
                                     "and which broad kind of investment suits your horizon — ask \"Am I ready to "
                                     "invest?\"", INVESTING_DISCLAIMER)
    if _TAX_LEGAL.search(question):
        return Refusal("tax_legal", "I can't give tax or legal advice: the rules depend on where you live and on "
                                    "your situation. I can show you the figures you might need — for example your "
                                    "income, spending by category, or this year's totals.", TAX_DISCLAIMER)
    return None


# ---- a model's answer ----------------------------------------------------------------------------------------

_TICKER = re.compile(r"(?:\$[A-Z]{1,5}\b|\b(?:NYSE|NASDAQ|XETRA|LSE|AMEX)\s*:\s*[A-Z.]{1,6}\b|\bISIN\b|"
                     r"\b[A-Z]{2}[A-Z0-9]{9}\d\b)")
_NAMED_PRODUCT = _rx(
    r"\b(?:buy|invest\s+in|put\s+(?:it|your\s+money)\s+(?:in|into)|consider)\b.{0,30}\b(?:vanguard|ishares|blackrock|"
    r"fidelity|schwab|spdr|invesco|amundi|xtrackers|ark\w*|tesla|apple|microsoft|nvidia|amazon|alphabet|google|meta|"
    r"bitcoin|ethereum|dogecoin|solana|gold\s+bars?)\b",
    r"\b(?:vanguard|ishares|spdr|invesco|amundi|xtrackers)\s+\w+",
)
_PROMISE = _rx(r"\bguarant\w*\b", r"\brisk[- ]?free\b", r"\bwill\s+(?:certainly|definitely|surely)\s+(?:grow|earn|rise|return)\b",
               r"\bcan(?:'t|not)\s+lose\b", r"\bno\s+risk\b")
_ADVICE = _rx(r"\byou\s+(?:can|should|could|must)\s+(?:deduct|claim|write\s+off)\b", r"\btax[- ](?:free|deductible)\b",
              r"\blegally\s+you\b", r"\byou\s+should\s+sue\b")
_INVESTING = _rx(r"\binvest\w*\b", r"\bstocks?\b", r"\bequit(?:y|ies)\b", r"\bbonds?\b", r"\bportfolio\b",
                 r"\b(?:index|investment|mutual|pension|exchange[- ]traded)\s+funds?\b", r"\betfs?\b", r"\breturns?\b(?=.{0,20}(?:%|percent|year))", r"\bready\s+to\b.{0,10}invest")
_DEBT = _rx(r"\bdebts?\b", r"\bloans?\b", r"\bcredit\s+card\b", r"\bcard\s+balance\b", r"\bmortgage\b",
            r"\boverdraft\b", r"\brepay\w*\b", r"\binterest\s+rate\b", r"\bborrow\w*\b", r"\bcarried\s+over\b")
_INVESTING_TOOLS = {"readiness"}


def output_problem(text: str) -> str | None:
    """Why a model's answer may not be shown (None: it may)."""
    if _TICKER.search(text) or _NAMED_PRODUCT.search(text):
        return "the model's answer named a specific security"
    if _PROMISE.search(text):
        return "the model's answer promised a return or said there was no risk"
    if _ADVICE.search(text):
        return "the model's answer gave tax or legal advice"
    return None


def disclaimer_for(text: str, tools: Iterable[str]) -> str:
    """The disclaimer an answer needs: investing, debt, both, or none."""
    tools = set(tools)
    parts = []
    if tools & _INVESTING_TOOLS or _INVESTING.search(text):
        parts.append(INVESTING_DISCLAIMER)
    if _DEBT.search(text):
        parts.append(DEBT_DISCLAIMER)
    return " ".join(parts)
