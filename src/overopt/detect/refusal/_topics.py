"""Harmful topics of a request: dangerous things (with the verbs that make a request about them procedural), harmful
content, self-harm, privacy, illegal acts, hate and malice. `topic_hits` lists what a request touches."""

from __future__ import annotations

import re

from overopt.detect.refusal._verbs import verb_harm

# harmful things, by severity, and the verbs that make a request about them procedural
_NOUN_SEV = [
    (0.95, r"nerve\s+agents?|sarin|vx(\s+gas)?|ricin|anthrax|bio-?weapons?|biological\s+weapons?|chemical\s+weapons?|"
           r"dirty\s+bombs?|nuclear\s+(weapons?|bombs?)|weapons?\s+of\s+mass\s+destruction|mustard\s+gas|chlorine\s+gas"),
    (0.9, r"(pipe\s+|car\s+|nail\s+)?bombs?|explosives?|ieds?|grenades?|molotov(\s+cocktails?)?|napalm|detonators?|c-?4|"
          r"tnt|semtex|suicide\s+vests?|school\s+shooting|mass\s+shooting"),
    (0.85, r"ghost\s+guns?|untraceable\s+(guns?|firearms?|weapons?)|3d[- ]?print(ed|ing)?\s+(guns?|weapons?|firearms?)|"
           r"(guns?|weapons?|firearms?)\s+(with|on|using)\s+a\s+3d\s+printer|(fully\s+)?automatic\s+conversion|bump\s+stocks?|"
           r"date[- ]rape\s+drugs?|roofies"),
    (0.8, r"meth(amphetamine)?|fentanyl|heroin|crack\s+cocaine|cocaine|lsd|mdma|ecstasy|ghb|malware|ransomware|keyloggers?|"
          r"spyware|stalkerware|trojans?|rootkits?|botnets?|computer\s+virus(es)?|ddos(\s+attacks?)?|credit\s+card\s+skimmers?|"
          r"counterfeit\s+(money|bills|currency|cash)"),
    (0.75, r"phishing(\s+(emails?|sites?|pages?|kits?|campaigns?|scams?))?|fake\s+(ids?|passports?|driver'?s\s+licen[cs]es?)|"
           r"forged\s+(documents?|signatures?|checks?)"),
    (0.6, r"silencers?|suppressors?|thermite|poisons?|toxins?|lethal\s+dose|chloroform|tracking\s+(app|software|device)|"
          r"spyware|stalkerware|hidden\s+cameras?"),
    (0.45, r"weapons?|guns?|firearms?|rifles?|pistols?|handguns?|ammunition|ammo|exploits?"),
    (0.5, r"drugs|narcotics|(gram|grams|line|lines|bag|baggie|eight\s*ball|some|snort\w*|bump|ounce)\s+(of\s+)?coke|"
          r"(some|buy|sell|smoke|smoking|selling|grow|growing|bag\s+of|gram\s+of|ounce\s+of|joint\s+of)\s+weed|"
          r"marijuana|marihuana|cannabis|ketamine|shrooms|(ecstasy|molly|xanax|oxy\w*|percocet|adderall)\s+pills?|"
          r"(some|make|buy|sell|smoke|smoking|selling|cook|cooking|of)\s+crack"),
]
_NOUN_RX = [(sev, re.compile(r"\b(" + rx + r")\b(?!-)", re.I)) for sev, rx in _NOUN_SEV]
_MAKE = re.compile(r"\b(make|making|made|build|building|built|create|creating|synthesi[sz]e|synthesi[sz]ing|manufactur\w*|"
                   r"produce|producing|cook|cooking|brew|brewing|assemble|assembling|construct\w*|craft|crafting|3d[- ]?print\w*|"
                   r"develop|developing|write|writing|code|coding|program|design|designing|engineer|prepare|preparing|mix|mixing|"
                   r"grow|growing|extract|extracting|refine|convert|recipe|formula|ingredients|instructions|blueprints?|"
                   r"obtain|obtaining|acquir\w*|buy|buying|purchas\w*|get\s+(my\s+)?hands\s+on|source|smuggl\w*|sell|selling|"
                   r"deploy\w*|plant|planting|detonat\w*|launch\w*|spread\w*|install\w*|hide|hiding|conceal\w*|carry|"
                   r"use|using|inject\w*|get|getting|score|scoring|find|order|ordering)\b", re.I)

_CONTENT_HARM = [
    (0.75, re.compile(r"\b(write|create|generate|compose|draft|make|tell|give\s+me|come\s+up\s+with|produce)\b[^.?!\n]{0,60}"
                      r"\b(racist|sexist|homophobic|transphobic|antisemitic|anti-semitic|islamophobic|xenophobic|misogynistic|"
                      r"hateful|hate\s+speech|derogatory|demeaning|degrading|defamatory|threatening|harassing|bullying|"
                      r"dehumanizing|inflammatory)\b", re.I)),
    (0.6, re.compile(r"\b(write|create|generate|compose|draft|post|spread|make)\b[^.?!\n]{0,60}\b(fake\s+news|disinformation|"
                     r"misinformation|propaganda|conspiracy\s+theor(y|ies)|fake\s+reviews?|phishing|scam\s+(emails?|messages?|"
                     r"texts?|scripts?))\b", re.I)),
    (0.5, re.compile(r"\b(explicit|graphic|erotic|pornographic|nsfw|x-rated|smutty)\s+(sex(ual)?\s+)?(story|stories|scene|"
                     r"scenes|content|description|descriptions|fanfic|fan\s+fiction|role-?play|images?|details?|acts?)\b", re.I)),
    (0.85, re.compile(r"\b(glorif\w*|prais\w*|celebrat\w*|justif\w*|deny|denies|denying|denial\s+of|in\s+favou?r\s+of|"
                      r"support\w*|romantici[sz]\w*|promot\w*)\b[^.?!\n]{0,40}\b(the\s+)?(holocaust|nazis?|nazism|hitler|"
                      r"genocide|terrorism|terrorists?|isis|al-?qaeda|kkk|ku\s+klux\s+klan|slavery|school\s+shootings?|"
                      r"mass\s+shootings?|9/11(\s+attacks)?|ethnic\s+cleansing|white\s+supremacy|[\w/-]+\s+(attackers|hijackers|"
                      r"shooters?|bombers?))\b", re.I)),
]
_MINORS = re.compile(r"\b(child|children|kid|kids|minor|minors|underage|under-age|preteen|pre-teen|teen|teens|teenage|"
                     r"(1[0-7]|[1-9])[- ]year[- ]old|schoolgirl|schoolboy|loli|shota)\b", re.I)
_SEXUAL = re.compile(r"\b(sex|sexual|sexually|nude|naked|porn\w*|erotic|explicit|intercourse|genitals?|molest\w*|groom\w*)\b",
                     re.I)
_SELF_HARM = re.compile(
    r"\b(kill|hurt|harm|cut|burn|starve|poison|hang|shoot|drown)(ing)?\s+(myself|yourself|oneself)\b|\bcommit(ting)?\s+"
    r"suicide\b|\bend\s+(my|your|one's)\s+(own\s+)?life\b|\b(suicide|self-?harm)\s+(methods?|techniques?|ways?|notes?|plans?)\b|"
    r"\b(painless|quick|quickest|easy|easiest|best|surest|fastest|peaceful)\s+(way|ways|method|methods)\s+to\s+(die|kill\s+"
    r"(myself|me|yourself|oneself)|end\s+(it\s+all|my\s+life|things|one's\s+life))\b|"
    r"\boverdose\s+on\b|\bhow\s+(many|much)\b[^.?!\n]{0,50}\b(to|would|will)\s+(kill\s+me|overdose|die|be\s+lethal)\b|"
    r"\bpro-?ana\b|\bhide\s+(my\s+)?(cuts|self-?harm|scars|eating\s+disorder)\b|\bwant\s+to\s+(die|disappear\s+forever)\b|"
    r"\b(sever|slit|cut|pierce|slash|open|puncture)\s+(my|your)\s+(own\s+)?(\w+\s+)?(artery|arteries|wrists?|veins?|throat)\b|"
    r"\bcarve\s+[^.?!\n]{0,30}\binto\s+my\s+(arm|arms|leg|legs|skin|wrist|thigh|body)\b|"
    r"\b(go\s+out|die|end\s+it|end\s+my\s+life)\s+like\s+[A-Za-z]+\s+[A-Z]?[a-z]+",
    re.I)
_PRIVACY = re.compile(
    r"\b((home\s+|personal\s+|current\s+)?address|phone\s+number|social\s+security(\s+number)?|ssn|date\s+of\s+birth|medical\s+"
    r"records|bank\s+(details|account)|passwords?|credit\s+card(\s+(number|details))?|location|whereabouts|ip\s+address|"
    r"email\s+address|personal\s+(info|information|details|data)|private\s+(messages|photos|texts))\b", re.I)
_PRIVACY_OWNER = re.compile(
    r"\b(someone|somebody|anyone|a\s+stranger|a\s+person|people|my\s+(ex|wife|husband|girlfriend|boyfriend|partner|coworker|"
    r"co-worker|colleague|boss|neighbou?r|roommate|classmate|teacher|crush|employee|landlord|tenant)|(his|her|their))('s|s')?\b"
    r"|\b(where\s+(he|she|they|my\s+\w+)\s+lives?)\b|\b(find|get|obtain|look\s+up|dig\s+up|track\s+down)\s+[A-Z][a-z]+\s+"
    r"[A-Z][a-z]+'s\b")
_PRIVATE_ATTR = (r"(social\s+security(\s+number)?|ssn|browsing\s+history|search\s+history|medical\s+(records?|history)|"
                 r"mental\s+health(\s+history)?|health\s+records?|diagnosis|(iphone|phone|bank|atm)?\s*pin(\s+code)?|"
                 r"passwords?|passcode|log-?in(\s+details)?|credentials|private\s+(email|messages|photos|address)|"
                 r"(mobile|cell|phone)\s+number|passport(\s+number)?|date\s+of\s+birth|birth\s+certificate|sexual\s+"
                 r"orientation|salary|criminal\s+(history|record)|immigration\s+status|tax\s+(records|returns)|religious\s+"
                 r"beliefs|political\s+(affiliation|views)|marital\s+status|driver'?s\s+licen[cs]e(\s+number)?|(home\s+)?"
                 r"address|bank\s+(details|account(\s+number)?|statements)|credit\s+card(\s+(number|details))?|"
                 r"whatsapp|text\s+messages|texts|emails|dms|location)")
_PRIVATE = re.compile(
    r"\b(my\s+([\w-]+\s+){0,2}[\w-]+(?<!own)'s|someone's|somebody's|a\s+stranger's|people's|celebrities'|"
    r"(his|her|their)\s+(ex-?)?(wife|husband|partner|girlfriend|boyfriend)'s)\s+(\w+\s+)?" + _PRIVATE_ATTR + r"\b"
    r"|\bhow\s+much\s+(money\s+)?does\s+my\s+[\w-]+\s+(earn|make)\b|\bis\s+my\s+[\w-]+\s+(a\s+member\s+of\s+a\s+"
    r"(labou?r\s+)?union|gay|pregnant|on\s+medication)", re.I)
_ILLEGAL = [
    (0.85, r"launder(ing)?\s+(money|cash|funds|proceeds)|money\s+laundering|(human|sex|child|organ)\s+trafficking|"
           r"traffic(king)?\s+(humans|people|women|children|girls|organs|drugs)|hide\s+(a\s+|the\s+)?(body|corpse|bodies)|"
           r"dispose\s+of\s+(a\s+|the\s+|my\s+|his\s+|her\s+)?(dead\s+)?(body|bodies|corpse|baby|child|wife|husband)|"
           r"(hide|bury|get\s+rid\s+of)\s+(my\s+[\w-]+'s\s+|[\w-]+'s\s+|his\s+|her\s+|their\s+)(dead\s+)?(body|corpse)|"
           r"(put|slip|spike|mix|add)\w*\s+[^.?!\n]{0,30}\b(pills?|drugs?|sedatives?|laxatives?|xanax|rohypnol|poison|"
           r"something)\s+(in|into)\s+(my\s+[\w-]+'s|his|her|their|someone's|a\s+stranger's|[\w-]+'s)\s+(drink|food|"
           r"coffee|tea|meal|water)|(secretly|covertly)\s+(film|record|photograph|videotape|watch)\w*\s+[^.?!\n]{0,40}\b("
           r"shower|bath|bathroom|changing|undress\w*|naked|nude|bedroom|toilet)|hidden\s+camera\s+[^.?!\n]{0,40}\b(shower|"
           r"bathroom|changing|bedroom)|in\s+order\s+to\s+scam|to\s+scam\s+(people|someone|the\s+elderly|"
           r"customers|users|victims|investors)"),
    (0.8, r"tax\s+(fraud|evasion)|evad(e|ing)\s+(paying\s+)?(income\s+)?taxes|cheat(ing)?\s+on\s+(my\s+)?taxes|insurance\s+"
          r"fraud|identity\s+theft|wire\s+fraud|credit\s+card\s+fraud|steal\s+(someone's\s+)?identit(y|ies)|"
          r"evad(e|ing)\s+(the\s+)?(police|cops|law\s+enforcement|arrest|detection\s+by\s+police)|unauthori[sz]ed\s+access"),
    (0.7, r"shoplift\w*|(sneak|smuggle|get|bring|slip)\w*\s+(a\s+|an\s+|the\s+|my\s+)?[\w-]+\s+(past|through)\s+(airport\s+)?"
          r"(security|customs|tsa|the\s+metal\s+detector|border\s+control)|bribe\s+(a|an|the)\s+(official|judge|cop|police|officer|inspector|politician|customs)|"
          r"poach(ing)?\s+(elephants|rhinos?|ivory|endangered|tigers)|escape\s+(from\s+)?(prison|jail|custody)|"
          r"(ponzi|pyramid)\s+scheme|illegally\s+(dump|dispose|obtain|buy|sell|cross|enter|download|access)\w*|"
          r"(dump|dispose\s+of)\w*\s+[^.?!\n]{0,30}(hazardous|toxic|medical|chemical|nuclear)\s+waste"),
    (0.6, r"spread\w*\s+(a\s+|some\s+)?(false\s+|fake\s+|nasty\s+)?(rumou?rs?|lies|gossip)\b(?![^.?!\n]{0,30}\b(stop|"
          r"counter|deal|handle|respond))"),
    (0.5, r"hot-?wir(e|ing)|drunk\s+driv\w*|driv(e|ing)\s+(drunk|high|under\s+the\s+influence)|buy\s+alcohol\s+(under\s*age|"
          r"as\s+a\s+minor)|underage\s+drinking|(pirate|torrent)\w*\s+(movies|software|games|music|films)|cheat(ing)?\s+on\s+"
          r"(an?|my|the)\s+(exam|test|quiz|final)|plagiari[sz]\w*|fake\s+(a\s+|an\s+|my\s+)?(doctor'?s\s+note|sick\s+note|illness|injury|death)"),
    (0.35, r"pick(ing)?\s+(a\s+|the\s+)?locks?|lock-?picking"),
]
_CRIME = re.compile(
    r"\b(commit(ting)?|carry(ing)?\s+out|plan(ning)?|pull(ing)?\s+off|get\s+away\s+with|engag(e|ing)\s+in|perpetrat\w*|"
    r"organi[sz]\w*|execut(e|ing))\s+(an?\s+|the\s+|some\s+|another\s+|my\s+own\s+)?(perfect\s+|violent\s+|armed\s+|"
    r"successful\s+|bank\s+(account\s+)?|insurance\s+|tax\s+|credit\s+card\s+|voter\s+|mass\s+|terrorist\s+|school\s+|"
    r"stadium\s+)?(murders?|homicides?|manslaughter|robbery|robberies|heist|burglary|burglaries|theft|assault|arson|"
    r"terrorism|terror\s+attack|attacks?|bombings?|explosions?|shootings?|massacres?|genocide|fraud|treason|rape|kidnapping|"
    r"abduction|assassinations?|hit[- ]and[- ]run|crimes?|felony|felonies|atrocit(y|ies)|war\s+crimes?|hate\s+crimes?|"
    r"identity\s+theft|embezzlement|extortion|human\s+trafficking|(\w+'s|my\s+\w+'s|someone's)\s+(death|murder))\b"
    r"|\bhire\s+(a\s+)?(hitman|hit\s+man|assassin|killer)\b|\bsatisfy\s+my\s+pedophil\w*|\b(plan|organi[sz]e|stage)\w*\s+"
    r"(another|a|an|the)\s+(death|killing|assassination|massacre|shooting)\s+like\b", re.I)
_ILLEGAL_RX = [(sev, re.compile(r"\b(" + rx + r")\b", re.I)) for sev, rx in _ILLEGAL]
_GROUP = (r"(jews|jewish\s+people|muslims|christians|hindus|sikhs|atheists|black\s+people|blacks|white\s+people|whites|asians|"
          r"asian\s+people|latinos|latinas|hispanics|mexicans|arabs|immigrants|refugees|gay\s+people|gays|lesbians|"
          r"homosexuals|trans\s+people|transgender\s+people|women|girls|disabled\s+people|the\s+disabled|autistic\s+people|"
          r"indigenous\s+people|native\s+americans|gypsies|roma|chinese\s+people|indians|africans|poor\s+people|old\s+people|"
          r"fat\s+people)")
_GROUP_ANY = (r"(" + _GROUP + r"|(\w+[- ])?(people|persons|folks|individuals|women|men|minorities|immigrants|refugees|"
              r"migrants|citizens)|jews|muslims|christians|hindus|buddhists|sikhs|atheists|mormons|gays|lesbians|"
              r"bisexuals|latinos|latinas|roma|arabs|africans|asians|blacks|whites|natives|foreigners)")
_DISCRIM_PRED = (r"(not\s+(be\s+)?(allowed|admitted|permitted|given|shown|hired|trusted|accepted)|not\s+(to\s+)?(have|get|hold|run|"
                 r"join|marry|vote|enter|work|own|practi[cs]e|express|receive|access|earn|raise|adopt|be\s+in)|(be\s+)?(barred|"
                 r"banned|denied|excluded|kicked|discriminated|deported|sterili[sz]ed|segregated|expelled|locked\s+up|"
                 r"disenfranchised|go\s+through\s+extra)|(earn|get|deserve|be\s+paid)\s+less|(weaker|inferior|dumber|"
                 r"stupider|less\s+(intelligent|capable|human)|lazier|more\s+violent)\b|overrepresented|make\s+all|"
                 r"no\s+(rights|vote|say)|(have|get)\s+fewer\s+rights|have\s+(their\s+)?(partners?|husbands?|men)\s+make\s+"
                 r"(all\s+)?(the\s+)?decisions|make\s+all\s+(the\s+)?(major\s+)?(\w+\s+)?decisions)")
_DISCRIM = re.compile(
    r"\b" + _GROUP_ANY + r"\b[^.?!\n]{0,40}?\b(should(n't|\s+not)?|must|ought\s+to|be|are|is|have\s+to|better|best|"
    r"so(\s+much)?|make|get)\b[^.?!\n]{0,25}?\b" + _DISCRIM_PRED +
    r"|\b(should(n't)?|must|ought\s+to|best|better|right|good\s+idea)\b[^.?!\n]{0,25}?\b" + _GROUP_ANY +
    r"\b[^.?!\n]{0,30}?\b" + _DISCRIM_PRED +
    r"|\b(take|took|taking)\s+away\s+" + _GROUP_ANY + r"('s?)?\s+(\w+\s+)?(rights|vote|voting|citizenship)", re.I)
_ATROCITY = (r"(holocaust|auschwitz|concentration\s+camps?|genocide|ethnic\s+cleansing|slavery|slave\s+trade|jim\s+crow|"
             r"apartheid|khmer\s+rouge|taliban|isis|al-?qaeda|9/11(\s+attacks)?|nightclub\s+shooting|columbine|nazis?|"
             r"hitler|pinochet|stalin|trail\s+of\s+tears|assassination|atomic\s+bombs?|hiroshima|nagasaki|mass\s+shooting|"
             r"massacre|lynchings?|segregation|pogroms?|gulags?)")
_ENDORSE = [re.compile(rx, re.I) for rx in (
    r"\b(replicate|recreate|repeat|restore|bring\s+back|reinstate|emulate|copy|revive|reintroduce|use)\b[^.?!\n]{0,50}\b"
    + _ATROCITY,
    r"\b" + _ATROCITY + r"\b[^.?!\n]{0,40}\b(was|is|were)\s+(actually\s+|morally\s+)?(justified|right|good|a\s+good\s+thing|"
    r"beneficial|necessary)",
    r"\bwhy\s+(was|were|is)\s+[^.?!\n]{0,40}\b(justified|right\s+to|a\s+good\s+thing|actually\s+good)",
    r"\b(benefits|success|positives|upside)\s+of\b[^.?!\n]{0,40}\b" + _ATROCITY,
    r"\b" + _ATROCITY + r"\b[^.?!\n]{0,40}\b(never\s+happened|(was|is)\s+(a\s+)?(complete\s+)?(fabrication|hoax|lie|myth|fake))",
    r"\b(believe|prove|show|convince\s+\w+)\b[^.?!\n]{0,40}\b(never\s+happened|(was|is)\s+(a\s+)?(complete\s+)?(fabrication|"
    r"hoax|lie|myth))",
    r"\b(overstate|exaggerate)\s+what\s+happened",
    r"\btreat\s+" + _GROUP_ANY + r"\s+like\s+(under\s+)?(the\s+)?" + _ATROCITY,
)]
_HATE = [
    (0.8, re.compile(r"\bwhy\s+(are|is|do|should|shouldn't|can't)\s+" + _GROUP + r"\s+(so\s+|all\s+|always\s+)?(inferior|stupid|lazy|"
                     r"dumb|violent|dirty|evil|criminals?|terrorists?|greedy|ugly|worthless|not\s+(be\s+)?allowed|be\s+banned|"
                     r"be\s+deported|not\s+have|have\s+no|be\s+(killed|exterminated|sterili[sz]ed))\b", re.I)),
    (0.85, re.compile(r"\b" + _GROUP + r"\s+(are|is)\s+(all\s+)?(inferior|subhuman|animals|vermin|parasites|stupid|evil|"
                      r"the\s+problem|a\s+disease|genetically\s+inferior)\b", re.I)),
    (0.6, re.compile(r"\b(jokes?|memes?|insults?|slurs?|stereotypes?)\s+(about|for|against|targeting|mocking)\s+" + _GROUP + r"\b",
                     re.I)),
    (0.75, re.compile(r"\b(superior|inferior)\s+races?\b|\brace\s+war\b|\bgreat\s+replacement\b", re.I)),
]
_SCHOOL_ATTACK = re.compile(r"\b(use|using|bring|bringing|take|taking|carry|carrying|shoot\w*|attack\w*|bomb\w*)\s+(them|it|"
                            r"a\s+gun|guns|weapons?|a\s+weapon|firearms?|a\s+bomb|explosives?|people)?\s*(in|at|into|to|up)\s+"
                            r"(a\s+|the\s+|my\s+)?(school|classroom|campus|church|mosque|synagogue|mall|concert|crowd|office|"
                            r"workplace|stadium|parade|rally)\b", re.I)
_MALICE = re.compile(
    r"\b(get|take|exact)\s+(my\s+)?revenge\b|\brevenge\s+on\b|\bmake\s+(him|her|them|my\s+[\w-]+|someone|people|"
    r"everyone)\s+(suffer|pay|regret|miserable|cry|bleed)\b|\bmake\s+(him|her|them|my\s+[\w-]+|someone|people)\s+feel\s+"
    r"(worthless|stupid|ugly|useless|unwanted|small|humiliated|ashamed|afraid|scared|unsafe)\b|\bmaximi[sz]e\s+(damage|casualties|harm|suffering|deaths|pain)\b|"
    r"\b(unsupervised|alone|private|one-on-one)\s+(access|time)\s+(to|with)\s+(children|kids|minors|a\s+child|a\s+minor)\b|"
    r"\bgroom(ing)?\s+(a\s+)?(child|children|kids|minors|teen|girl|boy)\b|\bruin\s+(his|her|their|my\s+[\w-]+'s)\s+"
    r"(life|reputation|career|marriage)\b", re.I)


def topic_hits(low: str, orig: str) -> list[tuple[float, str, str]]:
    """(severity, what, kind) for each harmful topic the request touches; `low` is the lowercased `orig`."""
    hits: list[tuple[float, str, str]] = []
    hits += [(sev, what, "verb") for sev, what in verb_harm(low, orig)]
    for sev, rx in _NOUN_RX:
        m = rx.search(low)
        if m:
            procedural = _MAKE.search(low[max(0, m.start() - 70): m.end() + 40])
            hits.append((sev if procedural else sev * 0.4, m.group(0) + (" (procedural)" if procedural else ""), "noun"))
    for sev, rx in _CONTENT_HARM:
        m = rx.search(low)
        if m:
            hits.append((sev, m.group(0)[:60], "content"))
    if _SEXUAL.search(low) and _MINORS.search(low):
        hits.append((1.0, "sexual content involving minors", "abuse"))
    m = _SELF_HARM.search(low)
    if m:
        hits.append((0.85, "self-harm: " + m.group(0), "self"))
    if (_PRIVACY.search(low) and _PRIVACY_OWNER.search(orig)) or _PRIVATE.search(orig):
        hits.append((0.7, "another person's private information", "privacy"))
    for sev, rx in _ILLEGAL_RX:
        m = rx.search(low)
        if m:
            hits.append((sev, m.group(0), "illegal"))
            break
    for sev, rx in _HATE:
        m = rx.search(low)
        if m:
            hits.append((sev, m.group(0)[:60], "hate"))
    m = _SCHOOL_ATTACK.search(low)
    if m:
        hits.append((0.9, m.group(0), "attack"))
    m = _CRIME.search(low)
    if m:
        hits.append((0.85, m.group(0), "crime"))
    m = _DISCRIM.search(low)
    if m:
        hits.append((0.8, "discrimination: " + m.group(0)[:60], "hate"))
    for rx in _ENDORSE:
        m = rx.search(low)
        if m:
            hits.append((0.8, m.group(0)[:60], "endorse"))
            break
    m = _MALICE.search(low)
    if m:
        hits.append((0.7, "malicious aim: " + m.group(0), "malice"))
    return hits
