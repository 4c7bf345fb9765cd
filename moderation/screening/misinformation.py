"""Possible medical misinformation: advice to stop prescribed medicine, cure claims, false
vaccine claims. Flagged for a moderator, never hidden."""

from __future__ import annotations

import re

from .base import Finding, RuleSet, Text

RULES = RuleSet()
_rule, _rules = RULES.rule, RULES.many

_MEDS = (
    r"(?:meds|medications?|medicines?|insulin|metformin|pills|statins?|prescriptions?|drugs"
    r"|antidepressants?|chemo(?:therapy)?|blood\s+(?:pressure\s+)?(?:meds|pills|thinners?)"
    r"|inhalers?|thyroid\s+(?:meds|pills)|levothyroxine|lisinopril|atorvastatin|eliquis|warfarin"
    r"|jardiance|ozempic|glipizide|ssris?|seizure\s+meds|anticoagulants?|beta[\s-]?blockers?"
    r"|steroids|diabetes\s+(?:meds|pills)|heart\s+(?:meds|pills)|HIV\s+meds|antiretrovirals"
    r"|tamoxifen|letrozole|lithium)"
)
# A warning is not advice: "don't stop taking your insulin", "if you stop your insulin...".
_ADVICE_AGAINST = re.compile(
    r"(?:\b(?:never|not|no|don't|dont|shouldn't|mustn't|wouldn't|won't|can't|cannot|dangerous"
    r"|unsafe|risky|safe|okay|ok|fine|normal|before|without|why|if|afraid|scared|worried|careful"
    r"|nobody\s+should|not\s+to|ask(?:ed)?|told\s+me|said|should\s+I|can\s+I|do\s+I|did\s+you"
    r"|when)|n't)"
    r"(?:\W+\w+){0,3}?\W*$",
    re.IGNORECASE,
)
_rule(
    "stop_medication",
    r"\b(?:stop|quit|ditch|drop|throw\s+(?:away|out)|flush|toss|get\s+off|come\s+off|skip"
    r"|give\s+up|bin)\s+(?:taking\s+|using\s+)?(?:all\s+)?(?:of\s+)?(?:your|ur|yer)\s+"
    r"(?:(?!old\b|expired\b|opened\b|unused\b|leftover\b|extra\b|spare\b)\w+\s+)?"
    rf"{_MEDS}\b(?!\s+(?:after|once|when|if|every|that|past|before|at|in\s+the|off|slowly"
    r"|gradually|with|under))",
    triggers=("your", "ur ", "yer "), not_after=_ADVICE_AGAINST,
)
_rule(
    "stop_medication",
    r"\b(?:you|everyone|diabetics|people)\s+(?:should|need\s+to|must|can|have\s+to|gotta"
    r"|ought\s+to|really\s+should)\s+(?:just\s+|all\s+)?(?:stop|quit|ditch|drop|get\s+off"
    rf"|come\s+off)\s+(?:taking\s+|using\s+)?(?:the\s+|their\s+)?{_MEDS}\b"
    r"(?!\s+(?:if|when|once|before|after|until|unless)\b)"
    r"|(?:^|[.!?]\s+)(?P<s>(?:just\s+|so\s+)?(?:stop|quit|ditch)\s+(?:taking|using)\s+"
    rf"{_MEDS}\b(?!\s+(?:if|when|once|before|after|until|unless)\b))"
    r"|\byou\s+(?:don't|do\s+not|dont)\s+(?:really\s+|even\s+)?need\s+(?:your\s+|the\s+|any\s+)?"
    r"(?:insulin|meds|medications?|metformin|statins?|chemo(?:therapy)?|blood\s+pressure\s+"
    r"(?:meds|pills)|antidepressants?|pills|inhalers?)\b"
    r"(?=\s*(?:anymore|at\s+all|,?\s*just\b|if\s+you\s+(?:eat|drink|take|try|do|follow|go|just)"
    r"|[,.;!]\s*(?:they're|they\s+are|it's|it\s+is|that's)\s+(?:a\s+|just\s+)?(?:big\s+pharma|scam"
    r"|poison|useless|toxic|junk)))",
    flags=re.IGNORECASE | re.MULTILINE,
    triggers=("stop", "quit", "ditch", "drop", "get off", "come off", "need"),
    not_after=_ADVICE_AGAINST,
)
_rule(
    "stop_medication",
    r"\b(?:skip|refuse|say\s+no\s+to|turn\s+down|don't\s+do|avoid)\s+(?:the\s+)?chemo(?:therapy)?"
    r"\s*(?:and|,)\s+(?:\w+\s+)?(?:try|use|do|go|take|switch|juice|drink|eat|heal)\b"
    r"|\b(?:insulin|statins?|metformin|chemo(?:therapy)?|vaccines?|antidepressants)\s+(?:is|are)"
    r"\s+(?:just\s+|pure\s+)?(?:poison|killing\s+you|a\s+scam)\b"
    r"|\bchemo(?:therapy)?\s+kills\s+more\s+(?:people|patients)\s+than\b"
    r"|\bpoison(?:ing)?\s+(?:yourself|your\s+body|it|people|patients)\s+with\s+(?:chemo|insulin"
    r"|statins|meds|medications?|drugs|vaccines|pills)\b"
    r"|\b(?:don't|do\s+not|never)\s+let\s+(?:them|your\s+doctors?|the\s+doctors?|anyone|doctors)\s+"
    rf"(?:put\s+you\s+on|start\s+you\s+on|give\s+you|talk\s+you\s+into)\s+(?:\w+\s+)?{_MEDS}\b",
    triggers=("chemo", "poison", "killing you", "scam", "let "),
    not_after=re.compile(r"(?:\bI\s+(?:\w+\s+){0,3}|\bnot\s+|n't\s+)$", re.IGNORECASE),
)

_CONDITIONS = (
    r"(?:diabetes|type\s*[12](?:\s+diabetes)?|t[12]d|cancer|cancers|tumou?rs?"
    r"|high\s+blood\s+pressure|hypertension|heart\s+disease|alzheimer'?s|dementia|autism"
    r"|arthritis|multiple\s+sclerosis|lupus|hiv|aids|kidney\s+disease|ckd|asthma|copd|depression"
    r"|thyroid\s+disease|hashimoto'?s|neuropathy|insulin\s+resistance|pre-?diabetes|fatty\s+liver"
    r"|psoriasis|crohn'?s|covid(?:-19)?|heart\s+failure|a-?fib|atrial\s+fibrillation"
    r"|high\s+cholesterol|cholesterol|blood\s+sugar|sugar|hsv|herpes|hepatitis\s+[bc])"
)
_REMEDY = (
    r"(?:cinnamon|turmeric|curcumin|garlic|apple\s+cider\s+vinegar|acv|bitter\s+melon|okra"
    r"(?:\s+water)?|baking\s+soda|essential\s+oils?|frankincense|colloidal\s+silver"
    r"|chlorine\s+dioxide|mms|bleach|ivermectin|hydroxychloroquine|apricot\s+(?:seeds?"
    r"|kernels?)|laetrile|b17|vitamin\s+(?:c|d|b17)|juicing|juice\s+(?:fasting|cleanses?)"
    r"|raw\s+veganism|alkaline\s+(?:water|diet)|lemon\s+water|moringa|fenugreek|cannabis\s+oil"
    r"|cbd(?:\s+oil)?|rick\s+simpson\s+oil|coffee\s+enemas?"
    r"|hydrogen\s+peroxide|black\s+seed(?:\s+oil)?|(?:this|my|our)\s+(?:tea|juice|herb"
    r"|herbal\s+blend|supplement|drink|smoothie|protocol|powder|remedy|oil|formula|program))"
)
_NUMBER_WORD = r"(?:[0-9]+|a|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty)"
_MEDICAL_TREATMENT = (
    r"(?:surgery|chemo|radiation|treatment|immunotherapy|(?:a\s+)?transplant|medication|insulin"
    r"|early|proper|the\s+right\s+(?:treatment|medication|care|team)|your\s+(?:doctor"
    r"|care\s+team|oncologist)|a\s+combination)"
)
# "There's no evidence cinnamon reverses diabetes", "is it true that vaccines cause autism?"
_REPORTED_CLAIM = re.compile(
    r"(?:(?:\b(?:no|not|never|isn't|doesn't|don't|won't|whether|if|heard|myths?|debunk\w*|claims?"
    r"|claiming|is\s+it\s+true|no\s+evidence|evidence|think|believe|why)|n't)\s+(?:that\s+)?"
    r"(?:\w+\s+){0,2}"
    r"|(?:^|[.!?]\s*)(?:does|do|did|can|could|will|would|is|are)\s+(?:\w+\s+){0,3})$",
    re.IGNORECASE,
)
_CLAIM_NEGATED = re.compile(r"\b(?:no|not|never|cannot|can't|won't|doesn't|don't|didn't)\b",
                            re.IGNORECASE)
_rule(
    "cure_claim",
    r"\b(?:cures?|can\s+cure|will\s+cure|to\s+cure)\s+(?:your\s+|the\s+)?(?:own\s+)?"
    rf"{_CONDITIONS}\s+"
    r"(?:naturally|for\s+good|forever|permanently|at\s+home|overnight|100\s*%"
    rf"|in\s+(?:just\s+|only\s+)?{_NUMBER_WORD}\s+(?:days?|weeks?|hours?)"
    r"|without\s+(?:meds|medications?|medicine|drugs|insulin|chemo(?:therapy)?|surgery|doctors"
    rf"|pills)|with(?!\s+{_MEDICAL_TREATMENT})\s+(?:\w+\s+){{0,3}}?(?:diet|tea|juice|herbs?"
    r"|supplements?|oils?|vinegar|cinnamon|turmeric|baking\s+soda|fasting|protocol|remed(?:y|ies)"
    r"|trick|method|plants?|mushrooms?|garlic|lemons?|water|seeds?|powder|berries|enzymes?"
    r"|cleanses?|smoothies?|foods?|spice))"
    rf"|\bcured\s+(?:my|his|her|their)\s+{_CONDITIONS}\s+(?:naturally|in\s+(?:just\s+|only\s+)?"
    rf"{_NUMBER_WORD}\s+(?:days?|weeks?)|without\s+(?:meds|medications?|medicine|drugs|insulin"
    rf"|chemo(?:therapy)?|surgery|doctors|pills)|with\s+{_REMEDY})",
    triggers=("cure",), not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)
_rule(
    "cure_claim",
    rf"\b{_REMEDY}\s+(?:[\w']+\s+){{0,3}}?(?:cures?|cured|reverses?|reversed|eliminates?|kills?"
    rf"|destroys?|gets\s+rid\s+of|heals?)\s+(?:[\w']+\s+){{0,2}}?{_CONDITIONS}\b",
    triggers=("cure", "revers", "eliminat", "kill", "destroy", "rid of", "heal"),
    not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)
_rule(
    "cure_claim",
    r"\b(?:reverse[sd]?|beat|cure[sd]?|heal|eliminate|get\s+rid\s+of|kick|fix)\s+"
    rf"(?:your\s+|my\s+)?(?:[\w']+\s+){{0,2}}?{_CONDITIONS}\s+(?:[\w']+\s+){{0,3}}?"
    rf"in\s+(?:just\s+|only\s+|under\s+)?{_NUMBER_WORD}\s+(?:days?|hours?)\b"
    rf"|\b{_CONDITIONS}\s+(?:is|are)\s+(?:100\s*%\s+|completely\s+|totally\s+|easily\s+|fully\s+)?"
    rf"curable\s+(?:naturally|with(?!\s+{_MEDICAL_TREATMENT})\s+\w+|by\s+(?:eating|drinking|taking"
    r"|juicing|fasting)|in\s+[0-9]+\s+days|at\s+home)",
    triggers=("revers", "curable", "beat", "cure", "heal", "eliminat", "rid of", "kick", "fix"),
    not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)
_rule(
    "cure_claim",
    r"\b(?:big\s+pharma|pharma|doctors|the\s+government|they|the\s+(?:medical|cancer)\s+"
    r"(?:industry|establishment)|the\s+fda)\s+(?:\w+\s+){0,2}?(?:hid(?:e|es|ing|den)?|suppress\w*"
    r"|(?:don't|doesn't|do\s+not)\s+want\s+you\s+to\s+know|won't\s+tell\s+you|are\s+hiding)\s+"
    r"(?:\w+\s+){0,3}?(?:the\s+)?(?:cure|cures)\b"
    r"|\bthe\s+cure\s+(?:for\s+(?:\w+\s+){1,2})?(?:that\s+)?(?:big\s+pharma|pharma|doctors|they)"
    r"\s+(?:don't|doesn't|won't)\s+want"
    r"|\bdoctors\s+(?:don't|do\s+not)\s+want\s+you\s+to\s+know\s+(?:about\s+)?(?:this|these)\b",
    triggers=("cure", "want you to know"),
)
_rule(
    "cure_claim",
    r"\b(?:cured|healed|freed)\s+(?:me\s+|him\s+|her\s+|them\s+)?(?:of|from)\s+"
    r"(?:my\s+|his\s+|her\s+)?"
    rf"{_CONDITIONS}\s+(?:\w+\s+){{0,2}}?(?:by|with|using|through)\s+(?:dr\b\.?|doctor|herbal"
    r"|natural|his|her|this|a\s+(?:herbal|natural|traditional|spell))",
    triggers=("cured", "healed", "freed"), not_inside=_CLAIM_NEGATED,
)

_VACCINE = (
    r"(?:vaccines?|vaccinations?|vaxx?(?:ines?|es)?|jabs?|immuni[sz]ations?"
    r"|mrna(?:\s+(?:vaccines?|shots?|jabs?))?|(?:mmr|hpv|covid(?:-19)?|flu|tetanus|dtap|polio"
    r"|measles|shingles|rsv|hep(?:atitis)?\s+b)\s+(?:vaccines?|shots?|jabs?))"
)
_VACCINE_HARMS = (
    r"(?:autism|cancer|turbo[\s-]+cancer|diabetes|type\s*1|infertility|sterility|sterile|sids"
    r"|dementia|alzheimer'?s|aids|hiv|magnetism|magnetic|sudden\s+death|shedding|the\s+disease)"
)
_rule(
    "anti_vaccine",
    rf"\b{_VACCINE}\s+(?:[\w']+\s+){{0,2}}?(?:cause[sd]?|causing|gives?\s+(?:you|kids|children"
    r"|people|babies)|gave\s+(?:my\s+\w+|him|her|them|me)|leads?\s+to|led\s+to|triggers?"
    rf"|triggered)\s+(?:[\w']+\s+){{0,2}}?{_VACCINE_HARMS}\b"
    rf"|\b{_VACCINE}\s+(?:is|are)\s+(?:\w+\s+)?(?:poison|poisonous|toxic\s+(?:sludge|waste|poison)"
    r"|a\s+scam|bioweapons?|a\s+bioweapon|genocide|killing\s+people|depopulation|a\s+hoax"
    r"|experimental\s+gene\s+therapy|gene\s+therapy|full\s+of\s+(?:toxins|poison|mercury"
    r"|aluminum|formaldehyde))\b"
    rf"|\b{_VACCINE}\s+(?:\w+\s+){{0,2}}?(?:alters?|changes?|rewrites?|modif(?:y|ies)|edits?"
    r"|damages?)\s+(?:your\s+|our\s+|the\s+|human\s+|people's\s+)?dna\b"
    rf"|\b{_VACCINE}\s+(?:\w+\s+){{0,2}}?(?:contain|contains|have|has|put|inject|injects)\s+"
    r"(?:\w+\s+)?(?:microchips?|(?:tracking\s+)?chips|5g|graphene|nanobots|trackers?)\b"
    r"|\b(?:vaccinated\s+people|the\s+vaccinated)\s+(?:are\s+)?shed(?:ding)?\b"
    rf"|\b{_VACCINE}\s+(?:[\w']+\s+){{0,2}}?makes?\s+(?:you\s+|girls\s+|boys\s+|kids\s+|children\s+"
    r"|people\s+|women\s+|men\s+|babies\s+)?(?:infertile|sterile|autistic|magnetic)\b"
    # "the flu shot gives you the flu", "the polio vaccine causes polio"
    r"|\b(?P<disease>flu|polio|measles|covid|shingles|hpv|tetanus|whooping\s+cough|pertussis"
    r"|chickenpox|rsv)\s+(?:vaccines?|shots?|jabs?)\s+(?:[\w']+\s+){0,4}?(?:causes?|caused|gives?"
    r"\s+(?:you|people|kids|everyone)|spreads?)\s+(?:the\s+)?(?P=disease)\b",
    triggers=("vacc", "vax", "jab", "immuni", "mrna", "shot"),
    not_inside=_CLAIM_NEGATED, not_after=_REPORTED_CLAIM,
)


_rule(
    "anti_vaccine",
    r"\b(?:never|don't|do\s+not)\s+(?:let\s+(?:them|anyone|the\s+doctors?)\s+)?vaccinate\s+"
    r"(?:your|ur)\s+(?:kids?|children|baby|babies|child|grandkids)\b",
    triggers=("vaccinate",),
)


def find(text: Text) -> list[Finding]:
    return RULES.find(text)
