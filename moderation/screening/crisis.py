"""Crisis rules: first-person statements of intent, plans, means and self-harm.

They follow the spirit of public guidance on suicide-safe online communities (Samaritans' online
safety guidelines, the 988 Lifeline social-media toolkit) and are the high-precision layer:
what they match escalates at once. Indirect wording is the sentence model's (``model.py``).
Idioms ("this headache is killing me"), other people's history and awareness events are not
crisis language."""

from __future__ import annotations

import re

from .base import Finding, RuleSet, Text

RULES = RuleSet()
_rule, _rules = RULES.rule, RULES.many

_I = r"\bI"
_IM = r"\b(?:I'm|Im|I\s+am)"
_INTENT = (
    r"(?:want(?:ed|ing)?\s+to|wanna|going\s+to|gonna|imma|i'?ma|plan(?:ning)?\s+(?:to|on)|about\s+to"
    r"|ready\s+to|(?:thinking|thought|think)\s+(?:about|of)|tempted\s+to|urges?\s+to"
    r"|need\s+to|decided\s+to|(?:could|might|should|will|'ll)\s+just|just\s+want\s+to"
    r"|try(?:ing)?\s+to|(?:can't|cannot)\s+stop\s+thinking\s+about)"
)
_WISH = (
    r"(?:want(?:ed|ing)?\s+to|wanna|(?:thinking|thought|think)\s+(?:about|of)|tempted\s+to"
    r"|urges?\s+to|plan(?:ning)?\s+(?:to|on)|ready\s+to|decided\s+to)"
)
# "I would never kill myself", "I'm not going to hurt myself".
_NEVER = re.compile(
    r"(?:\bnever|\bnot\s+(?:going\s+to|gonna)|won't|wouldn't|would\s+not|will\s+not"
    r"|(?:'m|\bam)\s+not)"
    r"\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)

_END_NOT_SUICIDE = (
    r"(?!\s+(?:with|here|there|now\s+(?:with|before)|on\s+a|by|for\s+today|at\s+that|off))"
    r"(?!\s*(?:\.{2,}|…)\s*with\b)"  # "ending it all... with my gym membership"
)
_rules("suicidal_intent", [
    (("my life", "my own life"), r"\b(?:end|ending|take|taking)\s+my\s+(?:own\s+)?life\b"),
    (("it all",), rf"\bend(?:ing)?\s+it\s+all\b{_END_NOT_SUICIDE}"),
    (("end it", "ending it", "end things", "ending things", "end everything", "ending everything"),
     rf"{_INTENT}\s+end(?:ing)?\s+(?:it(?:\s+all)?+|everything|things)\b{_END_NOT_SUICIDE}"),
    (("end it", "end things", "end everything", "end my life"),
     r"\bI\s+(?:finally\s+|just\s+|will\s+|'ll\s+|can\s+|could\s+)?end\s+(?:it\s+all|things"
     rf"|everything|it|my\s+life)\b{_END_NOT_SUICIDE}"),
    (("myself",),
     r"\b(?:kill|killing|unalive|hang|hanging|shoot|shooting|drown|drowning)\s+myself\b"
     r"(?!\s+(?:trying|to\s+(?:get|make|keep|finish|lose|stay|meet|hit|pay)|at\s+(?:the\s+)?"
     r"(?:gym|work|office)|working|laughing|over\s+(?:this|it|work)|for\s+(?:this|a|nothing|work)"
     r"|in\s+the\s+foot|in\s+(?:work|coffee|paperwork)|slowly\s+with|with\s+(?:all\s+(?:this|the)"
     r"\s+)?(?:sugar|food|junk|soda|pop|stress|work|cigarettes|smoking|carbs|candy|fast\s+food"
     r"|takeout|drinking|alcohol|booze|worry|overtime|this\s+diet)))"),
    (("suicide", "myself", "ending", "my life", "my own life"),
     r"\b(?:think|thinking|thought|thoughts|considering|contemplating|planning|plan|planned)"
     r"\s+(?:about\s+|of\s+|on\s+)?(?:suicide|killing\s+myself|ending\s+(?:it(?:\s+all)?+|my\s+life"
     r"|things|everything)|taking\s+my\s+(?:own\s+)?life)\b"
     r"(?!\s+(?:prevention|awareness|rates?|statistics|hotline|lifeline|research|training|walk))"
     r"(?!\s*(?:\.{2,}|…)?\s*with\b)"),
    (("suicide",),
     r"\b(?:I|I'm|I\s+am|me)\s+(?:(?!not\b|never\b)\w+\s+){0,3}?(?:commit(?:ting)?|attempt(?:ing)?)"
     r"\s+suicide\b|\b(?:my|a)\s+suicide\s+(?:note|letter|plan)\b"),
    (("goodbye", "farewell", "suicide"),
     r"\b(?:wrote|writing|written|write)\s+(?:my\s+|a\s+)?(?:goodbye|farewell|suicide)\s+"
     r"(?:letters?|notes?)\b"),
    # Passive wishes: "if I didn't wake up tomorrow that would be fine".
    (("if i ",),
     r"\bif\s+I\s+(?:just\s+|never\s+|simply\s+)?(?:died|die|didn't\s+wake\s+up|don't\s+wake\s+up"
     r"|did\s+not\s+wake\s+up|do\s+not\s+wake\s+up|never\s+woke\s+up|wasn't\s+(?:here|around"
     r"|alive)|weren't\s+(?:here|around|alive)|was\s+gone|were\s+gone|disappeared|got\s+hit\s+by"
     r"\s+a\s+(?:car|bus|truck))\b[^.!?\n]{0,40}?\b(?:fine|okay|ok|alright|relief|blessing|better"
     r"|easier|good\s+thing|mind|care|happy|glad)\b"),
    (("mind if", "care if"),
     r"\b(?:wouldn't|would\s+not|don't|do\s+not|honestly\s+wouldn't)\s+(?:even\s+)?(?:mind|care)"
     r"\s+if\s+I\s+(?:died|didn't\s+wake\s+up|never\s+woke\s+up|don't\s+wake\s+up|was\s+gone"
     r"|wasn't\s+here|got\s+hit|disappeared|just\s+(?:died|disappeared|didn't\s+wake\s+up))"),
    (("nobody", "no one", "no-one", "noone", "anyone"),
     r"\b(?:nobody|no\s+one|no-one|noone|(?:not\s+)?anyone)\s+would\s+(?:even\s+|really\s+"
     r"|ever\s+)?(?:notice|care|miss\s+me|be\s+sad)\s+if\s+I\s+(?:was|were|died|disappeared"
     r"|wasn't|weren't|killed|ended|left\s+for\s+good|just\s+(?:died|disappeared|vanished)"
     r"|wasn't\s+here)"
     r"|\b(?:nobody|no\s+one|no-one)\s+(?:\w+\s+)?cares?\s+(?:if|whether)\s+I\s+(?:live|die"
     r"|'m\s+alive|am\s+alive|exist)"),
    (("better off",),
     r"\bbetter\s+off\s+without\s+me\b"
     r"|\b(?:I'd|I\s+would|I'm|I\s+am|I)\s+(?:be\s+)?better\s+off\s+dead\b"
     r"|\bbetter\s+off\s+(?:if|when)\s+I(?:'m|\s+am)?\s+(?:just\s+|simply\s+)?(?:was|were|wasn't"
     r"|weren't|died|disappeared|gone|dead|not\s+(?:here|around))\b"),
    (("without me",),
     r"\b(?:world|everyone|everybody|family|kids|they|it|things)\s+(?:[\w']+\s+){0,3}?(?:better"
     r"|happier|easier)\s+(?:place\s+|off\s+)?without\s+me\b"),
    (("would be",),
     r"\b(?:everyone|everybody|they|my\s+\w+)\s+would\s+be\s+(?:happier|better|fine)\s+"
     r"(?:if\s+I\s+(?:was|were|died|wasn't|weren't)|when\s+I'm\s+gone|once\s+I'm\s+gone)\b"),
    (("disappear",),
     r"\bwant\s+to\s+disappear(?:\s+(?:forever|for\s+good|permanently)|(?=\s*(?:[.!\n]|$)))"),
    (("to end", "be over"), r"\bwant\s+(?:it\s+all|everything)\s+to\s+(?:end|be\s+over)\b"),
    (("reason", "point"),
     r"\b(?:no|nothing|not\s+(?:any|a\s+single))\s+(?:\w+\s+)?(?:reason|point)\s+(?:to|in|of)\s+"
     r"(?:live|living|go\s+on|going\s+on|being\s+alive|staying\s+alive|carry(?:ing)?\s+on"
     r"|keep\s+(?:living|going))\b"
     r"|\bwhat's\s+the\s+point\s+(?:of|in)\s+(?:living|going\s+on|being\s+alive|being\s+here"
     r"|staying\s+alive|carrying\s+on)\b"),
    (("live for", "will to live"),
     r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b"
     r"|\b(?:lost|losing|lose|no)\s+(?:the\s+|my\s+|all\s+)?will\s+to\s+live\b"),
    (("go on", "keep going"),
     rf"{_I}\s+(?:just\s+)?(?:can't|cannot|can\s+not|cant)\s+(?:go\s+on|keep\s+going)\s+"
     r"(?:living|(?:anymore|any\s+more|any\s+longer)(?:\s+like\s+this)?)"),
    (("of living", "of being alive", "of existing"),
     r"\b(?:tired|sick|exhausted)\s+of\s+(?:living|being\s+alive|existing)\b(?!\s+with)"),
    (("worth living", "worth it"),
     r"\blife\s+(?:is\s+not|isn't|is\s+no\s+longer|ain't|not)\s+worth\s+(?:living|it\s+anymore)\b"
     r"(?!\s+without\s+(?:cheese|coffee|bread|chocolate|carbs|pizza|sugar|wine|beer|bacon"
     r"|dessert|pasta|ice\s+cream))"
     r"|\bnot\s+worth\s+living\b"),
    (("read this", "reads this"),
     r"\bby\s+the\s+time\s+(?:you|anyone|someone)\s+reads?\s+this,?\s+I(?:'ll|\s+will)\s+"
     r"(?:be\s+(?:gone|dead|no\s+longer\s+here)|not\s+be\s+(?:here|alive))"),
    (("ways to", "how to", "way to", "way of", "ways of", "method"),
     r"\b(?:looking\s+up|researching|googling|searching\s+for|reading\s+about)\s+(?:\w+\s+){0,2}?"
     r"(?:ways|how)\s+to\s+(?:die|kill\s+myself|end\s+(?:it|my\s+life)|overdose|od)\b"
     # Method seeking: "the easiest way to die", "a painless way to end it".
     r"|\b(?:easiest|easy|painless|quickest|quick|fastest|quietest|surest|least\s+painful)\s+"
     r"(?:way|method|ways|methods)\s+(?:to|of)\s+(?:die|dying|kill\s+myself|killing\s+myself"
     r"|end\s+(?:it|my\s+life|things)|ending\s+(?:it|my\s+life|things)|commit\s+suicide"
     r"|suicide)\b(?!\s+(?:well|peacefully|at\s+home|with\s+dignity|is\s+to\s+ignore))"),
    (("way out",),
     r"\b(?:no|any|only|other)\s+way\s+out\b[^.!?\n]{0,30}?\b(?:ending\s+it|end\s+it|death"
     r"|dying|suicide|to\s+die|killing\s+myself)\b"),
    (("deserve to",), r"\bI\s+(?:\w+\s+)?deserve\s+to\s+(?:die|be\s+dead)\b"),
    (("wake", "open my eyes"),
     r"\b(?:I|want\s+to|wanna|wish\s+I\s+could|could\s+just|hope\s+I|pray\s+I)\s+(?:\w+\s+){0,2}?"
     r"(?:sleep|go\s+to\s+sleep|fall\s+asleep|close\s+my\s+eyes)\s+(?:forever\s+)?and\s+"
     r"(?:never|not)\s+(?:wake|open)"),
    (("edge of",),
     r"\bedge\s+of\s+(?:the|a)\s+(?:platform|roof|bridge|cliff|building|balcony)\b[^.!?\n]{0,60}?"
     r"\b(?:step|stepping|jump|jumping|fall|falling|lean|leaning)\b"),
    (("away my", "away all"),
     r"\bgiv(?:ing|en|e)\s+away\s+(?:all\s+)?(?:of\s+)?my\s+(?:things|stuff|belongings"
     r"|possessions)\b[^.!?\n]{0,80}?\b(?:letters|goodbye|won't\s+need|not\s+going\s+to\s+need)"),
    (("after tonight", "after today", "after this"),
     r"\bdon't\s+worry\s+about\s+me\s+after\s+(?:tonight|today|this)\b"),
    (("garage",),
     r"\b(?:engine|car)\s+running\s+in\s+(?:the|a)\s+(?:closed\s+)?garage|\bgarage\s+with\s+the"
     r"\s+(?:engine|car)\s+running"),
    (("driv", "crash", "steer", "wreck"),
     rf"\b{_INTENT}\s+(?:driving|drive|crash|crashing|steer|steering)\s+"
     r"(?:my\s+car\s+|the\s+car\s+)?"
     r"(?:into|off)\s+(?:a\s+|the\s+)?(?:wall|tree|bridge|cliff|oncoming\s+traffic|road|overpass"
     rf"|river|lake)\b|\b{_WISH}\s+(?:crash|crashing|wreck|wrecking)\s+my\s+car\b"),
    (("takes me",), r"\b(?:hope|pray|wish)\s+(?:the\s+\w+|it|god|death|this)\s+takes\s+me\b"),
    (("ctb", "sewer", "sleep forever"),
     rf"\b{_INTENT}\s+(?:ctb|sewer\s*slide)\b|\bsleep\s+forever\b"),
    (("wrist", "throat"),
     r"\b(?:slit|slash|slice|slitting|slashing)\s+my\s+(?:wrists?|throat)\b"
     r"|\b(?:cut|cutting)\s+my\s+wrists\b"),
    (("jump", "front of"),
     r"\bjump(?:ing)?\s+(?:off|from)\s+(?:a|the|my)\s+(?:\w+\s+)?(?:bridge|building|roof|balcony"
     r"|cliff|overpass)"
     r"|\b(?:step|walk|throw\s+myself|jump)\s+in\s+front\s+of\s+(?:a|the)\s+(?:train|bus|truck"
     r"|car)"),
], not_after=_NEVER)
_rule(
    "suicidal_intent",
    r"\b(?:wan(?:t\s+to|na)|gonna|going\s+to|about\s+to|ready\s+to|gotta|i|i'?ll|i\s+will"
    r"|i\s+(?:might|could|should)|just|literally)\s+kms\b",
    triggers=("kms",),
)
_rule(
    "suicidal_intent",
    # "I'm suicidal", "I've been feeling really suicidal", "Feeling suicidal tonight."
    rf"(?:{_IM}|{_I}(?:'ve|\s+have)?\s+been|{_I}\s+(?:feel|felt|get|keep\s+(?:feeling|getting))"
    r"|(?:^|[.!?]\s*)(?:been\s+|so\s+|really\s+)?feeling)"
    r"\s+(?:(?!not\b|never\b)\w+\s+){0,2}?suicidal\b"
    r"(?!\s+(?:thoughts?\s+)?(?:before|years|in\s+the\s+past))",
    flags=re.IGNORECASE | re.MULTILINE, triggers=("suicidal",), not_after=_NEVER,
)
_rule(
    "suicidal_intent",
    rf"{_I}(?:'ve|\s+have)?\s+(?:been\s+)?(?:having|have|get|getting|keep\s+having"
    r"|struggl\w+\s+with|dealing\s+with|fighting)\s+(?:\w+\s+){0,2}?"
    r"(?:suicidal\s+(?:thoughts|ideation|feelings|urges)|thoughts\s+of\s+(?:suicide|killing\s+"
    r"myself|ending\s+(?:it|my\s+life)|dying)|urges\s+to\s+(?:die|end\s+it))"
    r"|\bmy\s+suicidal\s+(?:thoughts|ideation|feelings|urges)\s+(?:are|is|have)\s+(?:\w+\s+)?"
    r"(?:back|worse|returning|coming\s+back|bad|strong|loud)",
    triggers=("suicid", "thoughts of", "urges"),
)
_rules("suicidal_intent", [
    (("die", "dead", "exist"),
     rf"{_I}\s+(?:just\s+|really\s+|honestly\s+|kinda\s+|kind\s+of\s+|sometimes\s+|still\s+)*"
     r"(?:want|wanna|wish|need)\s+(?:to\s+)?(?:die|be\s+dead|not\s+exist|stop\s+existing)\b"
     r"(?!\s+(?:of|from)\s+(?:embarrassment|shame|laughing|laughter|boredom))"
     r"(?!\s+(?:my|her|his|the|our)\s+(?:hair|beard|roots|shirt|clothes|jeans))"  # dye
     r"(?!\s*(?:lol|lmao|lmfao|haha\w*|😂|🤣|💀))"
     r"|\bwish\s+I\s+(?:was|were)\s+dead\b"),
    (("wish i",),
     r"\bwish\s+I\s+(?:could\s+)?(?:just\s+)?(?:die|disappear\s+forever|not\s+wake\s+up"
     r"|never\s+wake\s+up|fall\s+asleep\s+and\s+(?:never|not)\s+wake\s+up)"
     r"|\bwish\s+I\s+(?:had\s+|'d\s+)?never\s+(?:been\s+born|woken\s+up)"),
    (("wake up",),
     r"\b(?:hope|pray|praying|hoping)\s+I\s+(?:don't|do\s+not|never|won't)\s+wake\s+up"),
    (("want to", "wanna"),
     rf"{_I}\s+(?:(?!not\b|never\b)\w+\s+){{0,2}}?(?:don't|do\s+not|dont)\s+"
     r"(?:want|wanna)\s+(?:to\s+)?(?:be\s+alive|exist|be\s+on\s+this\s+earth"
     r"|(?:live|be\s+here|go\s+on|keep\s+(?:living|going)|wake\s+up)"
     r"(?:\s+(?:anymore|any\s+more|any\s+longer|ever\s+again|again)|(?=\s*(?:[.!\n]|$))))"),
])
# Spanish: "quiero morir", "quitarme la vida", "ya no quiero vivir", "me voy a matar".
_rule(
    "suicidal_intent",
    r"\b(?:quiero|quisiera|me\s+quiero|pienso|pensando\s+en|ganas\s+de)\s+"
    r"(?:morir(?:me)?\b(?!\s*(?:\.{2,}|…)?\s*de\s+(?:(?:la|las|los|el)\s+)?(?:risa|verg[uü]enza"
    r"|pena|sue[ñn]o|hambre|sed|nervios|calor|fr[ií]o|ganas|aburrimiento|cansancio|envidia|amor"
    r"|miedo|coraje|rabia|celos|gusto|felicidad|emoci[oó]n))"
    r"|matarme|suicidarme|quitarme\s+la\s+vida|acabar\s+con\s+mi\s+vida"
    r"|desaparecer\s+para\s+siempre)"
    r"|\bvoy\s+a\s+(?:matarme|suicidarme|quitarme\s+la\s+vida|acabar\s+con\s+mi\s+vida)\b"
    r"|\bquitarme\s+la\s+vida\b|\bsuicidarme\b|\bme\s+voy\s+a\s+matar\b"
    r"|\bquiero\s+desaparecer\s+(?:para\s+siempre|y\s+no\s+volver)"
    r"|\bno\s+quiero\s+(?:vivir|seguir\s+viviendo|estar\s+viv[oa])\b"
    r"|\bno\s+(?:tengo|hay)\s+(?:ninguna\s+)?raz[oó]n\s+para\s+vivir\b"
    r"|\bmejor\s+(?:estar[ií]an|est[aá]n)\s+sin\s+m[ií]\b|\bno\s+vale\s+la\s+pena\s+vivir\b"
    r"|\bno\s+(?:le\s+)?(?:veo|encuentro|tiene)\s+(?:ning[uú]n\s+)?sentido\s+(?:a\s+|de\s+)?"
    r"(?:vivir|la\s+vida|seguir(?:\s+viviendo)?)\b",
    triggers=("morir", "matar", "suicid", "vida", "vivir", "desaparecer", "sin m", "sentido"),
    not_after=re.compile(r"\bno\s+$", re.IGNORECASE),
)

_ES_INTENT = (r"(?:quiero|quisiera|voy\s+a|pienso|pensando\s+en|ganas\s+de|decid[ií]|hora\s+de"
              r"|a\s+punto\s+de|me\s+dan\s+ganas\s+de|necesito)")
_rules("suicidal_intent", [
    # Spanish, first person: "pensando en acabar con todo", "quiero descansar para siempre",
    # "ganas de aventarme del segundo piso", "pensamientos de matarme", "no existir".
    (("con todo",),
     rf"\b{_ES_INTENT}\s+(?:\w+\s+)?(?:acabar|terminar)\s+con\s+todo\b"
     r"(?!\s+(?:est[eoa]s?|el|la|los|las|lo\s+de|mi|mis|su|sus|tu|tus)\b)"
     r"(?!\s*(?:\.{2,}|…)\s*(?:el|la|los|las|lo|mi|mis|con|de)\b)"),
    (("para siempre",),
     rf"\b(?:{_ES_INTENT}|me\s+quiero\s+ir\s+a)\s+(?:\w+\s+)?(?:dormir|descansar|dormirme)"
     r"\s+para\s+siempre\b"),
    (("aventar", "tirar", "lanzar", "arrojar"),
     rf"\b{_ES_INTENT}\s+(?:aventarme|tirarme|lanzarme|arrojarme)\s+(?:de|del|desde|por|al|a)\s+"
     r"(?:(?:el|la|un|una|mi)\s+)?(?:\w+\s+)?(?:puente|edificio|azotea|piso|techo|balc[oó]n"
     r"|ventana|metro|tren|barranco|acantilado|presa|r[ií]o|v[ií]as)\b"),
    (("pensamientos", "ideas"),
     r"\b(?:pensamientos|ideas)\s+(?:\w+\s+)?de\s+(?:suicid\w+|matarme|quitarme\s+la\s+vida"
     r"|morirme|acabar\s+con\s+(?:todo|mi\s+vida))\b"),
    (("existir", "nacido"),
     r"\b(?:quisiera|quiero|preferir[ií]a|ser[ií]a\s+(?:un\s+alivio|mejor)|ojal[aá])\s+"
     r"(?:\w+\s+){0,2}?(?:no\s+existir|dejar\s+de\s+existir|no\s+haber\s+nacido)\b"),
    (("despedida",),
     r"\b(?:escrib[ií]|escribiendo|escrito|dej[eé]|tengo|hice)\s+(?:\w+\s+){0,2}?cartas?\s+de"
     r"\s+despedida\b"),
    (("ltim",),
     r"\b(?:es\s+)?mi\s+[uú]ltim[oa]\s+(?:publicaci[oó]n|mensaje|post)\b(?!\s+(?:por\s+un\s+tiempo"
     r"|antes|del\s+a[ñn]o|de\s+hoy))[^\n]{0,100}?\b(?:perd[oó]n\w*|los\s+quiero|las\s+quiero"
     r"|adi[oó]s|cu[ií]den(?:se|los)|no\s+me\s+busquen)"),
    # Someone else at risk: "dice que se va a matar", "se quiere morir", "no quiere vivir".
    (("matar", "suicid", "morir", "vida", "vivir", "tirar"),
     r"\b(?:se\s+(?:va|iba)\s+a\s+(?:matar|suicidar|quitar\s+la\s+vida|tirar\s+(?:de|del|desde"
     r"|por)\s)|se\s+quiere\s+(?:morir|matar|suicidar)|quiere\s+(?:morirse|matarse|suicidarse"
     r"|quitarse\s+la\s+vida)|no\s+quiere\s+(?:vivir|seguir\s+viviendo))"
     r"(?!\s+(?:de\s+(?:risa|hambre|verg[uü]enza)|trabajando|estudiando|en\s+el\s+gym"
     r"|en\s+(?:su|mi|la)\s+(?:casa|cama)|tranquil\w*|en\s+paz))"),
    (("formas", "maneras", "forma", "manera", "ways", "way to"),
     r"\b(?:formas?|maneras?)\s+(?:\w+\s+)?de\s+(?:morir|matarme|suicidarme|quitarme\s+la\s+vida)"
     r"\b(?:\s+(?:sin\s+dolor|r[aá]pid\w*))?"
     r"|\b(?:painless|easiest|quickest|quick|fastest|best|peaceful)\s+(?:\w+\s+)?ways?\s+to\s+"
     r"(?:die|kill\s+myself|end\s+it)\b(?!\s+(?:well|with\s+dignity|at\s+home|in\s+peace))"
     r"|\bways?\s+to\s+(?:die|kill\s+myself)\s+(?:painlessly|without\s+pain|quickly|peacefully"
     r"|in\s+my\s+sleep)\b"),
    (("cochera", "garage", "garaje"),
     r"\b(?:cochera|garage|garaje)\s+con\s+el\s+(?:carro|coche|auto|motor|carbon|carb[oó]n)\s+"
     r"(?:prendido|encendido|andando)\b"),
    # The exhaust through a hose: "sitting in his truck with the hose hooked up".
    (("hose", "manguera"),
     r"\bhose\b[^.!?\n]{0,40}?\b(?:exhaust|tail\s?pipe)\b|\b(?:car|truck|van)\s+with\s+(?:the|a)\s+"
     r"hose\s+(?:hooked\s+up|attached|connected|in)\b"
     r"|\bmanguera\b[^.!?\n]{0,40}?\b(?:escape|mofle)\b"),
    # English, someone else: "she said she's going to kill herself", "he wants to die".
    (("himself", "herself", "themselves", "themself", "die", "his life", "her life",
      "their life", "suicidal"),
     r"\b(?:said|says|told\s+\w+|texted(?:\s+\w+)?"
     r"|posted|wrote|keeps\s+saying|messaged(?:\s+\w+)?)\s+(?:(?:that|on\s+the\s+phone)\s+)?"
     r"(?:he|she|they)"
     r"(?:(?:'s|\s+is|\s+was|'re|\s+are|\s+were)\s+(?:going\s+to|gonna|about\s+to|planning\s+to"
     r"|ready\s+to)\s+(?:kill\s+(?:him|her|them)sel(?:f|ves)|end\s+(?:it\s+all|(?:his|her|their)"
     r"\s+(?:own\s+)?life)|take\s+(?:his|her|their)\s+(?:own\s+)?life|do\s+it\s+tonight)"
     r"|\s+(?:wants?|wanted)\s+to\s+(?:die|kill\s+(?:him|her|them)sel(?:f|ves)|be\s+dead)"
     r"|(?:'s|\s+is|'re|\s+are)\s+suicidal)\b"),
    (("last post", "last message"),
     r"\b(?:this\s+is\s+)?my\s+last\s+(?:post|message)\b(?!\s+(?:here\s+)?(?:for\s+a\s+while"
     r"|before|until|of\s+the|for\s+(?:now|today|the)))[^\n]{0,100}?\b(?:sorry|love\s+you"
     r"|goodbye|forgive\s+me)"),
], not_after=re.compile(r"(?:\bno|\bnunca|\bnever|\bnot|n't)\s+(?:\w+\s+)?$", re.IGNORECASE))
_rules("self_harm", [
    (("cort",),
     r"\bme\s+(?:volv[ií]\s+a\s+)?cort[eé]\s+(?:otra\s+vez|de\s+nuevo|(?:los|las|mis)\s+"
     r"(?:brazos|piernas|mu[ñn]ecas|muslos))\b|\bvolv[ií]\s+a\s+cortarme\b"
     r"|\bme\s+volv[ií]\s+a\s+cortar\b|\bcortarme\s+(?:otra\s+vez|de\s+nuevo|los\s+brazos"
     r"|las\s+piernas|las\s+mu[ñn]ecas)\b"),
    (("pego", "pegu", "pegarme", "golpe", "rasgu", "quem"),
     r"\b(?:me\s+pego|me\s+pegu[eé]|pegarme|golpearme|me\s+golpeo|me\s+golpe[eé]|me\s+rasgu[ñn]o"
     r"|rasgu[ñn]arme|me\s+rasgu[ñn][eé]|me\s+quemo|quemarme|me\s+quem[eé])\s+(?:\w+\s+){0,4}?"
     r"(?:contra\s+la\s+pared|con\s+(?:el\s+|un\s+)?(?:cintur[oó]n|encendedor|cigarro|cerillo"
     r"|navaja)|hasta\s+(?:sangrar|sacarme\s+sangre|que\s+(?:me\s+)?(?:sale|sali[oó])\s+sangre))"),
    (("accidente", "proposito", "propósito", "on purpose"),
     r"\b(?:me\s+(?:cort[eé]|quem[eé]|pegu[eé]|rasgu[ñn][eé]|lastim[eé])|cut|burned|burnt"
     r"|scratched|hit|punched)\b[^.!?\n]{0,60}?(?:no\s+fue\s+(?:un\s+)?accidente|a\s+prop[oó]sito"
     r"|on\s+purpose)"),
    (("until", "till", "til "),
     r"\b(?:punch|punching|punched|hit|hitting|scratch|scratching|scratched|claw|clawing|clawed"
     r"|bang|banging)\s+(?:my\s+(?:\w+\s+)?(?:arms?|legs?|thighs?|head|face|stomach|skin|wrists?"
     r"|chest)|myself)\b[^.!?\n]{0,30}?\b(?:until|till|til)\s+(?:I|they|it|my\s+\w+)\s+"
     r"(?:bleeds?|bled|bleed|bruises?|bruised|bruise)"),
], not_after=_NEVER)
_rules("overdose_intent", [
    (("cuant", "cuánt"),
     r"\bcu[aá]nt[oa]s?\s+(?:\w+\s+){0,5}?(?:para|hacen?\s+que|har[ií]an?\s+que|ser[ií]an?"
     r"|son|es)\s+(?:\w+\s+){0,3}?(?:no\s+despertar|morir|matar\w*|mortal(?:es)?|letal(?:es)?"
     r"|(?:que\s+)?(?:se\s+)?(?:pare|detenga)\s+el\s+coraz[oó]n|(?:el\s+)?h[ií]gado\s+(?:falle"
     r"|deje))"),
    (("frasco", "bote"),
     r"\b(?:tom\w*|trag\w*)\s+(?:\w+\s+)?todo\s+el\s+(?:frasco|bote)\s+de\s+(?:\w+\s+)?"
     r"(?:pastillas|paracetamol|tylenol|clonazepam|insulina|medicinas?|\w+)\b"),
], not_after=re.compile(r"(?:\bno|\bnunca|\bnever|\bnot|n't)\s+(?:\w+\s+)?$", re.IGNORECASE))

_rule(
    "self_harm",
    r"\b(?:cutting|cut|burning|burn|hurting|hurt|harming|harm|hitting|hit|punishing|punish"
    r"|scratching|scratch)\s+myself\s+(?:on\s+purpose|again|deliberately|to\s+(?:feel|cope|punish"
    r"|numb|calm)|when\s+I\s+(?:feel|get|am|'m)\s+(?:so\s+|really\s+)?(?:numb|sad|anxious|angry"
    r"|overwhelmed|upset|stressed|empty|bad|low|down|worthless))\b"
    r"|\b(?:cutting|cut)\s+myself\b(?!\s+(?:shaving|while|on\s+(?:a|an|the|some|my)\b|by\s+accident"
    r"|accidentally|slicing|chopping|in\s+the\s+kitchen|with\s+(?:a|the|my)\s+(?:kitchen|mandoline"
    r"|lancet)|opening|on\s+paper|making|too\s+deep))",
    triggers=("myself",), not_after=re.compile(
        r"(?:\baccident(?:al)?ly|\bnever|\bnot\s+(?:going\s+to|gonna|to)|won't|wouldn't|don't"
        r"|didn't"
        r"|doesn't|\bcareful)\s+(?:\w+\s+)?$",
        re.IGNORECASE),
)
# "cut again last night, deeper than usual", "fresh cuts today", "cortadas frescas": the
# first person's new wounds (a sentence that starts with the verb, or "I"), not a power cut.
_rules("self_harm", [
    (("cut",),
     r"(?:^|[.!?\n]\s*|\bI\s+(?:just\s+)?)cut\s+(?:again|deeper)\b"
     r"|\bfresh\s+cuts\b(?!\s+(?:of|at|from|for)\b)"),
    (("cortadas", "cortes"),
     r"\b(?:cortadas|cortes)\s+(?:frescas|frescos|nuevas|nuevos)\b"),
], not_after=_NEVER)
_rule(
    "self_harm",
    r"\b(?:want(?:ed|ing)?|going|gonna|urges?|need|needing|feel\s+like|thinking\s+(?:about|of)"
    r"|thought\s+about|tempted|trying\s+not|(?:keep|kept|been|started|start)(?=\s+(?:hurting"
    r"|harming|burning|hitting|punishing|scratching)))\s+(?:to\s+)?"
    r"(?:hurt|hurting|harm|harming|burn|burning|hit|hitting|punish|punishing|scratch|scratching"
    r"|cut|cutting)\s+myself\b"
    r"(?!\s+(?:by|while|falling|on\s+(?:the|a|my)|at\s+(?:the|work)|lifting|during|in\s+the\s+"
    r"(?:kitchen|garden|gym|yard|shower|bathroom|process)|because|if\s+I\s+(?:fall|trip)|shaving"
    r"|cooking))",
    triggers=("myself",), not_after=_NEVER,
)
_rules("self_harm", [
    (("self harm", "self-harm", "selfharm"),
     rf"{_I}(?:'ve|\s+have)?\s+(?:been\s+|still\s+|sometimes\s+|started\s+|keep\s+|want\s+to\s+"
     r"|need\s+to\s+|relapsed\s+and\s+|am\s+|'m\s+)?self[\s-]?harm(?:ed|ing)?\b"
     r"|\bself[\s-]?harm(?:ing)?\s+again\b"
     r"|\bI\s+know\s+(?:it's|it\s+is|that's|this\s+is)\s+(?:\w+\s+)?self[\s-]?harm"),
    (("urge",),
     r"\burges?\s+to\s+(?:self[\s-]?harm|cut(?:\s+(?:again|myself)\b|(?=\s*(?:[.!,;\n]|$|\s+(?:is"
     r"|are|was|were|has|have|keeps?|won't|tonight|today)\b))))"),
    (("relaps",),
     r"\brelaps\w*\b[^\n]{0,60}?\b(?:self[\s-]?harm\w*|cutting)\b"
     r"|\b(?:self[\s-]?harm\w*|cutting)\b[^\n]{0,60}?\brelaps\w*"),
    (("cutting again", "cut again", "cut myself"),
     r"\b(?:started|start|been|keep|kept|began)\s+cutting\s+again\b"
     r"|\b(?:want|wanting|need|needing|itching)\s+to\s+cut\s+(?:again|myself)\b"),
    (("only thing", "only way", "cope"),
     r"\b(?:cutting|self[\s-]?harm(?:ing)?|burning\s+myself|hurting\s+myself)\s+(?:is\s+)?"
     r"(?:the\s+only\s+(?:thing|way)|helps\s+me\s+cope|is\s+how\s+I\s+cope)"
     r"|\bonly\s+(?:thing|way)\s+(?:that\s+)?(?:helps|works|I\s+can\s+cope)\s+is\s+(?:cutting"
     r"|burning\s+myself|hurting\s+myself|self[\s-]?harm)"),
    (("my arm", "my wrist", "my leg", "my thigh", "my skin", "my stomach"),
     r"\b(?:burn(?:ed|t|ing)?|cut|cutting|carv(?:ed|ing)|scratch(?:ed|ing)?)\s+my\s+(?:arms?"
     r"|wrists?|legs?|thighs?|skin|stomach)\s+(?:[\w']+\s+){0,3}?(?:on\s+purpose|with\s+(?:a\s+)?"
     r"(?:cigarette|lighter|razor|blade))"
     r"|\b(?:cut|cutting|carv(?:ed|ing))\s+(?:into\s+)?my\s+(?:arms?|wrists?|thighs?)\s+again\b"
     r"|\b(?:started|start|been|keep|kept|began)\s+(?:cutting|burning|carving)\s+(?:into\s+)?my\s+"
     r"(?:arms?|wrists?|thighs?|legs?|stomach|skin)\b(?!\s+(?:shaving|on|while))"),
    (("until", "till", "til "),
     r"\b(?:punch|punching|hit|hitting|bang|banging)\s+(?:walls?|myself|my\s+head)\b"
     r"[^.!?\n]{0,30}?\b(?:until|till|til)\s+(?:I|my\s+\w+|they|it)\s+(?:bleeds?|bled|bruise)"),
    (("blade",),
     r"\b(?:keep|kept|hide|hid|hiding|carry|carrying|bought|stash|stashed)\s+(?:a\s+|some\s+"
     r"|my\s+)?(?:razor\s*blades?|blades)\b"
     r"|\b(?:razor\s*blades?|blades)\s+(?:\w+\s+){0,4}?for\s+(?:the\s+)?(?:bad|hard|dark|rough)\s+"
     r"(?:days|nights|times|moments)"),
], not_after=_NEVER)
_rule(
    "self_harm",
    r"\b(?:quiero|voy\s+a|ganas\s+de|necesito)\s+(?:cortarme|lastimarme|hacerme\s+da[ñn]o)\b"
    r"|\bme\s+(?:he\s+estado|estoy|sigo)\s+cortando\b|\bme\s+corto\s+(?:los|las|otra\s+vez)\b",
    triggers=("cort", "lastim", "hacerme"),
)

_PILLS = (
    r"(?:pills|meds|medications?|medicines?|tablets|insulin|sleeping\s+pills|painkillers"
    r"|pain\s+pills|opioids|oxy\w*|percocets?|xanax|klonopin|ambien|tylenol|antidepressants"
    r"|prescriptions?|sleeping\s+tablets|pain\s+meds|heart\s+pills|blood\s+pressure\s+pills)"
)
_rule(
    "overdose_intent",
    rf"\b{_INTENT}\s+(?:just\s+)?(?:take|taking|swallow|swallowing|down|inject|injecting|shoot"
    rf"|shooting)\s+(?:(?:all|every\s+(?:one|last\s+one)|the\s+rest)\s+(?:of\s+)?(?:my|the|these"
    rf"|those)\s+(?:\w+\s+)?{_PILLS}|every\s+(?:single\s+)?(?:pill|tablet|med)s?)\b"
    r"(?!\s+(?:with|in\s+the\s+(?:morning|evening)|at\s+(?:breakfast|lunch|dinner|night|bedtime)"
    r"|to\s+(?:the|my|a|your|every)|for\s+(?:a|the|my)|before|after|on\s+time"
    r"|every|each|together\s+in|from\s+now|as\s+prescribed|like))"
    r"|\b(?:take|swallow)\s+(?:all|every\s+one)\s+(?:of\s+)?my\s+(?:\w+\s+)?"
    rf"{_PILLS}\s+(?:tonight|at\s+once\s+and|and\s+(?:end|be\s+done|never|not\s+wake"
    r"|go\s+to\s+sleep"
    r"|die))",
    triggers=("all", "every", "rest"), not_after=_NEVER,
)
_rule(
    "overdose_intent",
    r"\b(?:saving|saved|save|stockpil\w*|hoard\w*|collect\w*|stash\w*)\s+(?:up\s+)?(?:all\s+)?"
    rf"(?:of\s+)?(?:my\s+)?(?:\w+\s+)?{_PILLS}\s+(?:\w+\s+){{0,3}}?(?:to|so\s+I\s+can|for\s+when"
    r"\s+I|until\s+I)\s+(?:\w+\s+){0,2}?(?:overdose|od|end\s+it|end\s+(?:my\s+life|things)|die"
    r"|kill\s+myself|take\s+them\s+all|take\s+all\s+of\s+them|not\s+wake\s+up|have\s+enough)"
    rf"|\bsaving\s+up\s+(?:all\s+)?(?:of\s+)?my\s+(?:\w+\s+)?{_PILLS}\b"
    r"(?!\s+for\s+(?:the|my|a|our|travel|trips?|vacation)\b)"
    rf"|\b{_PILLS}\s+(?:\w+\s+){{0,2}}?(?:saved|stashed|stockpiled|hoarded)(?:\s+up)?"
    r"(?=\s*(?:[.!\n]|$|,?\s+(?:and|tonight|ready)))"
    rf"|\b(?:overdosed|od'?d|took\s+(?:\w+\s+){{0,4}}?{_PILLS})\s+(?:\w+\s+){{0,2}}?on\s+purpose\b",
    triggers=("sav", "stockpil", "hoard", "collect", "stash", "purpose"),
)
_rules("overdose_intent", [
    (("overdos", " od", "o.d"),
     rf"\b(?:{_I}\s+|{_INTENT}\s+)(?:(?:just|really|might|could|will|'ll|should)\s+)?"
     r"(?:overdose|overdosing|OD|O\.D\.)(?![\w']|\.\w)"
     r"(?!\s+(?:warning|risk|symptom|by\s+accident|accidentally|reversal))"),
    (("overdose", " od", "lethal", "fatal"),
     rf"\b{_INTENT}\s+(?:take|taking)\s+(?:an?\s+)?(?:overdose|OD|lethal\s+dose|fatal\s+dose)\b"),
    (("how many", "how much"),
     r"\bhow\s+(?:many|much)\s+(?:of\s+)?(?:my\s+|the\s+|these\s+|those\s+)?(?:[\w']+\s+){0,2}?"
     rf"(?:{_PILLS}|units|doses|mg|grams|advil|ibuprofen|aspirin|acetaminophen|paracetamol"
     r"|benadryl|of\s+them)\b[^.?!\n]{0,40}?\b(?:to|would|will|could|does|is)\s+(?:it\s+)?"
     r"(?:take\s+to\s+)?(?:kill\s+(?:me|myself|someone|a\s+person|an\s+adult)|die|not\s+wake\s+up"
     r"|never\s+wake\s+up|end\s+(?:it|my\s+life)|be\s+(?:lethal|fatal|deadly)|overdose|OD"
     r"|stop\s+(?:a|my|the|someone's|your)\s+heart)\b"),
    (("bottle of", "handful of", "stash of", "supply of", "box of", "pile of"),
     rf"\b(?:bottle|handful|stash|supply|box|pile)\s+of\s+(?:\S+\s+){{0,3}}?{_PILLS}\b"
     r"[^.!?\n]{0,60}?\b(?:(?:keep|kept|been|am|I'm|sit|sat|sitting)\s+(?:\w+\s+)?(?:looking"
     r"|staring)\s+at\s+(?:it|them|the\s+(?:bottle|pills)|those|that\s+bottle)\b|calling\s+"
     r"(?:to\s+)?me|tempting\s+me|lined\s+up)"),
    (("enough",),
     r"\benough\s+to\s+(?:kill\s+(?:me|myself)|end\s+(?:it|my\s+life)|not\s+wake\s+up)\b"
     rf"|\benough\s+(?:of\s+)?(?:my\s+|the\s+)?(?:\w+\s+)?{_PILLS}\s+to\s+(?:finish\s+(?:it"
     r"|myself|me\s+off)|do\s+it|end\s+(?:it|things|my\s+life)|kill\s+(?:me|myself)"
     r"|not\s+wake\s+up|die)\b"),
    (("skip", "not taking"),
     rf"\b(?:skipping|skip|not\s+taking)\s+(?:my\s+)?(?:\w+\s+)?{_PILLS}\s+(?:[\w']+\s+){{0,2}}?"
     r"to\s+(?:save|stockpile|stash|hoard|collect)\s+(?:them|it)\b"),
    (("took", "swallowed", "taken", "downed", "injected"),
     r"\b(?:took|swallowed|taken|downed|injected)\s+(?:\w+\s+){0,2}?(?:[1-9][0-9]+|twenty"
     r"|thirty|forty|fifty|a\s+(?:bunch|handful)|too\s+many|the\s+whole\s+(?:bottle|box|pack))\s+"
     rf"(?:of\s+)?(?:my\s+|the\s+|his\s+|her\s+)?(?:\w+\s+)?{_PILLS}\b[^.!?\n]{{0,40}}?\b(?:ago"
     r"|on\s+purpose|to\s+(?:die|end\s+it|sleep\s+forever)|just\s+now)\b"),
    (("lethal", "fatal", "deadly"),
     r"\b(?:what|how\s+much)(?:'s|\s+is|\s+would\s+be)\s+(?:a|the)\s+(?:lethal|fatal|deadly)\s+"
     r"(?:dose|amount)"),
    (("whole", "entire"),
     r"\b(?:take|swallow|taking|swallowing)\s+(?:the|a|this|that)\s+(?:whole|entire)\s+"
     r"(?:bottle|pack|packet|box|month's\s+supply)\b"
     r"(?!\s+(?:of\s+)?(?:water|juice|wine|soda|pop|beer|vodka|whiskey|ketchup|cookies|chips"
     r"|candy|gum|with\s+(?:me|us)|to\s+(?:the|my|work)))"),
], not_after=_NEVER)
_rule(
    "overdose_intent",
    r"\b(?:tomarme|tomar|tragarme|tragar)\s+todas\s+(?:mis|las)\s+(?:pastillas|p[ií]ldoras"
    r"|medicinas|medicamentos)\b"
    r"|\b(?:quiero|voy\s+a|pienso)\s+(?:tomar\s+una\s+)?sobredosis\b"
    r"|\b(?:tomarme|tomar|tragarme|tragar)\s+todo\s+el\s+(?:frasco|bote|paquete)\b",
    triggers=("todas", "sobredosis", "todo el"),
)


# A crisis told as history ("eight years ago I tried to take my life", "de adolescente me
# cortaba"), as a question someone else asked ("my therapist asked if I had thoughts of
# suicide") or as advice to a reader ("if you're having thoughts of suicide, call 988") is not
# the author's crisis now: the sentence model still weighs it, the rules stay quiet. A
# sentence that says it is back ("again", "otra vez") keeps the finding.
_PAST = re.compile(
    r"\b(?:[\w-]+\s+){1,3}?(?:years?|yrs?)\s+ago\b|\b(?:back\s+)?in\s+(?:19|20)\d\d\b"
    r"|\ben\s+(?:el\s+)?(?:19|20)\d\d\b"
    r"|\bwhen\s+I\s+was\s+(?:\d+|a\s+(?:teen|kid|teenager|child)|younger|in\s+(?:high\s+school"
    r"|college|my\s+(?:teens|twenties)))|\bas\s+a\s+teen(?:ager)?\b|\bused\s+to\b"
    r"|\bhace\s+(?:\d+|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|muchos|varios|unos"
    r"|algunos)\s+(?:a[ñn]os|anos)\b|\bde\s+(?:adolescente|joven|chic[oa]|ni[ñn][oa])\b"
    r"|\bcuando\s+(?:era|ten[ií]a)\s+(?:\d+|joven|adolescente|chic[oa]|ni[ñn][oa])"
    # "I was 13 when I started", "tenía 15 cuando lo intenté", "2017, postpartum psychosis, I
    # thought...", "hace tiempo pensé en...", "I remember the night I wrote...".
    r"|\bI\s+was\s+\d{1,2}\s+when\b|\bten[ií]a\s+\d{1,2}\s+(?:a[ñn]os\s+)?cuando\b"
    r"|\b(?:19|20)\d\d\s*[,:]|\bhace\s+(?:mucho\s+)?tiempo\b|\ba\s+long\s+time\s+ago\b"
    r"|\bI\s+remember\s+(?:the\s+(?:night|day|time)|when)\b"
    r"|\brecuerdo\s+(?:la\s+noche|el\s+d[ií]a|cuando)\b",
    re.IGNORECASE)
# Laughing in the same sentence ("me quiero morir jajaja me caí en la entrada"): a figure of
# speech far more often than not, so the rules do not escalate it; the model still reads it.
_LAUGHING = re.compile(r"\b(?:j[aeis](?:j[aeis])+j?|h[ae](?:h[ae])+h?|lol|lmao|lmfao|rofl|xd)\b",
                       re.IGNORECASE)
_AGAIN = re.compile(
    r"\b(?:again|(?:is|are|'s|'re|came|coming|come)\s+back|still|once\s+more|otra\s+vez|de\s+nuevo|volv\w+|todav[ií]a|regres\w+"
    r"|sigo|seguir)\b", re.IGNORECASE)
_NEXT_IS_WHEN = re.compile(r"\s*(?:that|it)\s+was\b|\s*(?:eso\s+)?fue\s+hace\b", re.IGNORECASE)
_ASKED = re.compile(
    r"\b(?:asked|asks|ask|asking)\s+(?:\w+\s+){0,3}?(?:if|whether)\s+(?:\w+\s+){0,4}$"
    r"|\bpregunt\w*\s+(?:\w+\s+){0,2}?si\s+(?:\w+\s+){0,4}$"
    # Someone else's words or the reader's case: "told me to jump off a bridge", "if you're
    # having thoughts of suicide, call 988", "si tienes pensamientos de suicidio".
    r"|\b(?:told|tell|tells|telling|asked)\s+(?:me|you|us|them)\s+to\s+$"
    r"|\bif\s+(?:you|you're|you\s+are|anyone|someone|somebody|a\s+friend)\b[^.!?\n]{0,60}$"
    r"|\bsi\s+(?:est[aá]s|tienes|alguien|usted|sientes)\b[^.!?\n]{0,60}$",
    re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?\n]")


_SENTENCE_REACH = 300  # a "sentence" reaches at most this far before and after the match


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    before = [m.end() for m in _SENTENCE_BREAK.finditer(text, max(0, start - _SENTENCE_REACH),
                                                         start)]
    after = _SENTENCE_BREAK.search(text, end, end + _SENTENCE_REACH)
    return (before[-1] if before else max(0, start - _SENTENCE_REACH),
            after.end() if after else min(len(text), end + _SENTENCE_REACH))


class _Marks:
    """Where a text says something is back (``_AGAIN``) or past (``_PAST``), found once per
    text: a post repeating a crisis phrase 150 times would otherwise scan up to 600 characters
    around each match with each pattern (40 ms for 2,000 characters). A sentence has a mark
    when one lies inside it; one that crosses its edge (a line break inside "is\nback") is
    settled by searching the sentence alone, as before. Where a long run without punctuation
    is cut (``_SENTENCE_REACH``), a mark crossing the cut does not count."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks = {pattern: [m.span() for m in pattern.finditer(text)]
                      for pattern in (_AGAIN, _PAST, _LAUGHING)}
        self.verdicts: dict[tuple[int, int], bool | None] = {}

    def _cut(self, at: int) -> bool:
        return 0 < at < len(self.text) and self.text[at - 1] not in ".!?\n"

    def has(self, pattern: re.Pattern[str], first: int, last: int) -> bool:
        for start, end in self.marks[pattern]:  # in order, not overlapping
            if end <= first:
                continue
            if start >= last:
                return False
            if first <= start and end <= last:
                return True
            if not (self._cut(first) if start < first else self._cut(last)):
                return pattern.search(self.text[first:last]) is not None
        return False

    def told_as_history(self, first: int, last: int) -> bool | None:
        """True or False when the sentence settles it (told as history, or said to be back),
        None when it depends on the words just before the match."""
        if (first, last) not in self.verdicts:
            self.verdicts[first, last] = self._verdict(first, last)
        return self.verdicts[first, last]

    def _verdict(self, first: int, last: int) -> bool | None:
        if self.has(_AGAIN, first, last):
            return False
        if self.has(_PAST, first, last) or self.has(_LAUGHING, first, last):
            return True
        if _NEXT_IS_WHEN.match(self.text, last):
            return self.has(_PAST, last, _sentence(self.text, last + 1, last + 1)[1])
        return None


def _told_as_history(text: str, start: int, end: int, marks: _Marks | None = None) -> bool:
    marks = marks or _Marks(text)
    told = marks.told_as_history(*_sentence(text, start, end))
    if told is not None:
        return told
    return bool(_ASKED.search(text, max(0, start - 80), start))


def find(text: Text) -> list[Finding]:
    found = RULES.find(text)
    if not found:
        return found
    marks = _Marks(text.normal)
    return [f for f in found if not _told_as_history(text.normal, *f.span, marks)]
