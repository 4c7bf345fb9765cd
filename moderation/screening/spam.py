"""Spam: links from new members, too many links, advertising phrases."""

from __future__ import annotations

import re

from .base import MAX_LINKS, Finding, RuleSet, Text, finding

RULES = RuleSet()
_rule, _rules = RULES.rule, RULES.many

_LINK = re.compile(  # run on the folded text
    r"\bhttps?://[^\s<>\"')\]]+"
    r"|\bwww\.[^\s<>\"')\]]+"
    r"|(?<![@\w.-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,4}"
    r"\.(?:com|net|org|gov|edu|io|co|info|biz|xyz|ru|cn|shop|store|online|site|top|club|app|ly"
    r"|health"
    r"|link|click|live|pro|vip|us|uk|ca|me)\b(?!@|\.[a-z0-9])(?:/[^\s<>\"')\]]*)?",
)
_LINK_TRIGGERS = ("http", "www.", ".")

_NEGATED = re.compile(
    r"(?:\b(?:no|not|never|nothing|isn't|aren't|there's\s+no|there\s+is\s+no|no\s+such\s+thing"
    r"\s+as)|n't)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_rules("spam_phrase", [
    (("now",), r"\b(?:buy|order)\s+now\b|\bact\s+now\b"),
    (("here",), r"\b(?:buy|order|shop)\s+(?:it\s+)?here\b(?!\s+in\b)"),
    (("yours",), r"\bget\s+yours\s+(?:now|here|today)\b"),
    (("link",),
     r"\b(?:use|click|through)\s+my\s+(?:referral\s+|affiliate\s+)?link\b"
     r"|\b(?:referral|affiliate)\s+link\b|\blink\s+in\s+(?:my\s+)?bio\b"),
    (("click",), r"\bclick\s+(?:here|the\s+link|this\s+link|below|my\s+link)\b"),
    (("team", "boss", "commission", "residual"),
     r"\bjoin\s+my\s+team\b|\bbe\s+your\s+own\s+boss\b"
     r"|\b(?:earn|make|making|earning)\s+(?:residual\s+income|commissions?)\b"),
    (("limited", "offer ends"),
     r"\blimited[\s-]+(?:time\s+)?(?:offer|deal)\b|\boffer\s+ends\s+(?:today|soon|tonight)\b"),
    (("guarantee",),
     r"\b100\s*%\s*guaranteed\b|\bguaranteed\s+(?:results|to\s+work|weight\s+loss|income|returns"
     r"|profits?)\b|\bmoney[\s-]+back\s+guarantee\b"),
    (("home",),
     r"\bwork[\s-]+from[\s-]+home\s+(?:and\s+)?(?:earn|make|opportunit\w+|jobs?|business|income"
     r"|\$)|\b(?:earn|make|making)\s+(?:\$?[0-9][0-9,]*k?\s+|money\s+|cash\s+|extra\s+\w+\s+)?"
     r"(?:\w+\s+){0,2}?(?:working\s+)?from\s+home\b"),
    (("$",),
     r"\b(?:earn|make)\s+up\s+to\s+\$"
     r"|\b(?:make|earn|making|earning)\s+(?:up\s+to\s+)?\$\s?[0-9][0-9,]*k?\+?\s*(?:(?:/|a|per"
     r"|each|every)\s*(?:day|week|hour)\b|daily\b|weekly\b)|\$\$\$"),
    (("money", "cash", "income", "opportunit"),
     r"\b(?:earn|make)\s+(?:extra\s+)?(?:money|cash|income)\s+(?:fast|quickly|online|easily)\b"
     r"|\bpassive\s+income\b|\b(?:investment|business)\s+opportunit(?:y|ies)\b"),
    (("crypto", "bitcoin", "btc", "forex", "binary"),
     r"\b(?:crypto\w*|bitcoin|btc|forex|binary\s+options)\s+(?:\w+\s+){0,3}?(?:invest\w*"
     r"|trad\w*|profits?|returns?|mining|signals?|opportunit\w+|platform|expert|broker"
     r"|account\s+manager)"
     r"|\b(?:invest\w*|trad\w*|earn\w*|profit\w*)\s+(?:\w+\s+){0,3}?(?:in|with|from|on|through)"
     r"\s+(?:crypto\w*|bitcoin|btc|forex)\b"),
    (("whatsapp", "telegram", "wechat", "kik", "dm me"),
     r"\b(?:contact|message|text|dm|add|reach|inbox)\s+(?:me|us|him|her)\s+(?:on|via|at"
     r"|through)\s+(?:whatsapp|telegram|wechat|kik)\b|\bwhatsapp\s*(?:me\b|us\b|:|\+|number)"
     r"|\bdm\s+me\s+(?:for|to\s+(?:get|buy|order|learn))\b"),
    (("prescription", " rx"),
     r"\b(?:buy|order|get)\s+(?:\w+\s+){0,2}?(?:viagra|cialis|ozempic|wegovy|mounjaro"
     r"|semaglutide|tirzepatide|oxycodone|xanax|adderall|tramadol)\s+(?:online\s+)?(?:without"
     r"\s+(?:a\s+)?prescription|no\s+(?:prescription|rx))"),
    (("my website", "my site", "my store", "my shop", "my channel", "my blog", "our website",
      "our site", "our store", "our shop", "our channel", "our blog", "subscribe"),
     r"\b(?:visit|check\s+out|go\s+to)\s+(?:my|our)\s+(?:website|site|store|shop|channel|blog)\b"
     r"|\bsubscribe\s+to\s+my\s+(?:channel|newsletter|youtube)\b"),
    (("code",), r"\b(?:use|enter)\s+my\s+(?:promo|discount|referral|coupon)\s+code\b"),
    (("hate", "trick"),
     r"\bdoctors\s+hate\s+(?:him|her|this|them)\b"
     r"|\b(?:one|this)\s+(?:weird|simple|strange|odd)\s+trick\b"),
    (("lose",),
     r"\blose\s+(?:up\s+to\s+)?[0-9]+\s*(?:lbs|pounds|kg|kilos)\s+(?:in\s+[0-9]+\s+days\s+)?"
     r"(?:without\s+(?:diet|dieting|exercise|exercising)|guaranteed|fast)\b"),
    (("casino", "betting", "loan", "singles", "promotion", "discount", "free "),
     r"\b(?:online\s+casino|betting\s+tips|payday\s+loans?|loan\s+offer|hot\s+singles)\b"
     r"|\bspecial\s+(?:promotion|discount)\b|\bfree\s+(?:gift|iphone|bitcoin)\b"),
    (("out",),
     r"\bcheck\s+(?:it|this|them)\s+out\s*(?:at|here|on)?\s*:?\s*(?:https?://|www\.|[a-z0-9-]+\."
     r"(?:com|net|shop|store|xyz|online|site|info)\b)"),
    (("worldwide", "discreet"),
     r"\b(?:ships?|shipping|shipped|delivery)\s+(?:worldwide|discreetly|discreet)\b"
     r"|\b(?:worldwide|discreet)\s+(?:shipping|delivery)\b"),
    (("herbal", "spell", "native", "traditional"),
     r"\b(?:herbal|spell|native|traditional)\s+(?:medicine|remedy|remedies|cure|doctor|healer"
     r"|home)\b[^.!?\n]{0,80}?\b(?:contact|e-?mail|whatsapp|reach|write\s+to)\b"
     r"|\b(?:contact|e-?mail|whatsapp|reach\s+out\s+to)\b[^.!?\n]{0,60}?\b(?:herbal|spell)\s+"
     r"(?:medicine|remedy|doctor|healer|home|caster)\b"),
])
_rule(
    "spam_phrase",
    r"\bmiracle\s+(?:cure|pill|supplement|remedy|drug)s?\b",
    triggers=("miracle",), not_after=_NEGATED,
)


def _find_links(folded: str) -> list[tuple[int, int]]:
    if not any(t in folded for t in _LINK_TRIGGERS):
        return []
    return [m.span() for m in _LINK.finditer(folded)]


def find(text: Text) -> list[Finding]:
    return RULES.find(text)


def links_found(text: str, *, links_allowed: bool = True, max_links: int = MAX_LINKS
                ) -> list[Finding]:
    """More than ``max_links`` links; any link where none is allowed (members too new to post
    links). Cheap, and depends on who posts, so it is not part of the cached screening."""
    links = _find_links(Text(text).folded)
    found = []
    if len(links) > max_links:
        found.append(finding("many_links", (links[0][0], links[-1][1])))
    if links and not links_allowed:
        found.append(finding("link_from_new_member", links[0]))
    return found
