"""Harm verbs read with their object: word sense and target decide ("kill a process" is benign, "kill my neighbor"
is not). `verb_harm` gives the harmful senses found in a request."""

from __future__ import annotations

import re


def _forms(verbs: str) -> dict[str, str]:
    """Inflected form -> lemma for each verb ("kill": kill, kills, killed, killing; irregulars listed as a/b/c)."""
    out: dict[str, str] = {}
    for group in verbs.split():
        base, *irregular = group.split("/")
        forms = {base, base + "s", base + "es", base + "ed", base + "d", base + "ing", *irregular}
        if base.endswith("e"):
            forms.add(base[:-1] + "ing")
        if base.endswith("y"):
            forms |= {base[:-1] + "ies", base[:-1] + "ied"}
        if len(base) > 2 and base[-1] not in "aeiouwxy" and base[-2] in "aeiou" and base[-3] not in "aeiou":
            forms |= {base + base[-1] + "ing", base + base[-1] + "ed"}
        for f in forms:
            out.setdefault(f, base)
    return out


# verbs whose sense depends on the object; value: severity when the object is a person
_PERSON_SEV = {
    **dict.fromkeys("kill murder assassinate slaughter execute behead strangle suffocate drown poison torture kidnap abduct "
                    "rape molest maim shoot stab bomb burn lynch massacre hang smother decapitate slay gut butcher "
                    "euthanize dismember mutilate snipe liquidate exterminate eradicate annihilate obliterate throttle "
                    "torch crucify".split(), 0.95),
    **dict.fromkeys("attack assault beat hurt harm injure hit punch kick choke abuse cut starve drug trap traffic enslave "
                    "strike run_over beat_up push_off knock_out overpower capture tackle shatter slash cripple hammer bash bludgeon "
                    "maim disfigure".split(), 0.8),
    **dict.fromkeys("threaten blackmail extort harass bully stalk spy_on track dox intimidate humiliate".split(), 0.75),
    **dict.fromkeys("steal rob mug".split(), 0.75),
    **dict.fromkeys("manipulate gaslight deceive trick scam defraud swindle exploit fool".split(), 0.55),
    **dict.fromkeys("get_rid_of take_out eliminate destroy nuke blow_up wipe_out crush smash demolish decimate".split(), 0.85),
}
# always-bad verbs keep some harm even when their object is unknown
_UNKNOWN_SEV = {**dict.fromkeys("threaten blackmail extort harass bully stalk dox intimidate humiliate kidnap abduct rape "
                                "molest torture assassinate lynch massacre behead dismember mutilate".split(), 0.6),
                **dict.fromkeys("kill murder shoot stab poison strangle drown".split(), 0.3),
                **dict.fromkeys("steal rob scam defraud swindle".split(), 0.5)}
_VERB_FORMS = _forms("kill murder assassinate slaughter execute behead strangle suffocate drown poison torture kidnap abduct "
                     "rape molest maim shoot/shot stab bomb burn/burnt lynch massacre hang/hung smother decapitate attack "
                     "assault beat/beaten hurt harm injure hit punch kick choke abuse cut starve drug trap traffic enslave "
                     "strike/struck threaten blackmail extort harass bully stalk track dox intimidate humiliate steal/stole/stolen "
                     "rob mug manipulate gaslight deceive trick scam defraud swindle exploit fool eliminate destroy nuke crush "
                     "smash hack crack bypass break/broke/broken disable sabotage vandali[sz]e forge counterfeit launder smuggle "
                     "shoplift spy get/got/gotten take/took/taken blow/blew/blown wipe run/ran push knock slay/slain gut butcher "
                     "euthanize euthanise dismember mutilate snipe liquidate exterminate eradicate annihilate obliterate "
                     "throttle torch crucify overpower capture tackle shatter slash cripple disfigure demolish decimate hammer bash "
                     "bludgeon")
_VERB_FORMS["vandalize"] = _VERB_FORMS["vandalise"] = "vandalize"
_VERB_FORMS["euthanise"] = "euthanize"
# multiword harm phrases rewritten to one verb before reading ("set the barn on fire" -> "torch the barn")
_NORMALIZE = [(re.compile(rx), rep) for rx, rep in (
    (r"\bset\s+fire\s+to\b", "torch"), (r"\bset\s+((?:[\w']+\s+){0,3}?)on\s+fire\b", r"torch \1"),
    (r"\bdo\s+away\s+with\b", "kill"), (r"\btake\s+((?:[\w']+\s+){1,3}?)hostage\b", r"kidnap \1"),
    (r"\b(land|landing|throw|throwing)\s+a\s+(knockout\s+)?punch\s+(on|at)\b", "punch"),
    (r"\bgive\s+([\w']+)\s+a\s+headshot\b", r"shoot \1"),
    (r"\b(end|terminate|take|terminating|ending|taking)\s+((?:[\w'-]+\s+)?[\w-]+?)(?:'s)?\s+life\b", r"kill \2"),
    (r"\bmake\s+((?:[\w']+\s+){1,3}?)(explode|blow\s+up)\b(?!\s+with\s+(laughter|joy|excitement|happiness|pride))",
     r"bomb \1"),
    (r"\bpush\w*\s+((?:[\w']+\s+){1,3}?)off\s+(a|the)\s+(cliff|bridge|roof|building|balcony|ledge|train\s+platform)",
     r"kill \1"),
    (r"\bhunt(ing)?\s+down\b", "stalk"), (r"\b(smash|smashing|hammer|hammering)\s+in\b", "smash"),
    (r"\bbreak(ing)?\s+open\b", "smash"), (r"\b(chop|chopping|saw|sawing|cut|cutting)\s+up\b", "dismember"),
    (r"\brip(ping)?\s+off\s+([\w']+)\s+head\b", r"behead \2"),
    (r"\bsaw(ing)?\s+(a|the|his|her|their)\s+(dead\s+)?body\b", r"dismember \2 body"),
    (r"\b(terminat\w+)\s+(people|persons|someone|somebody|him|her|them)\b", r"kill \2"),
)]
_PHRASAL = {("get", "rid", "of"): "get_rid_of", ("take", "out"): "take_out", ("blow", "up"): "blow_up",
            ("wipe", "out"): "wipe_out", ("spy", "on"): "spy_on", ("beat", "up"): "beat_up", ("run", "over"): "run_over",
            ("break", "into"): "break_into", ("hack", "into"): "hack_into", ("push", "off"): "push_off",
            ("knock", "out"): "knock_out"}


def _words(s: str) -> set[str]:
    return set(s.split())


_PERSON = _words(
    "someone somebody anyone anybody person people persons man woman men women boy girl boys girls child children kid kids "
    "baby babies toddler teen teens teenager teenagers minor minors student students classmate classmates teacher teachers "
    "coworker coworkers co-worker colleague colleagues boss manager neighbor neighbour neighbors neighbours wife husband "
    "girlfriend boyfriend partner ex spouse mother mom mum father dad parents brother sister son daughter family friend "
    "friends roommate stranger strangers victim victims witness cop cops officer officers police president politician "
    "politicians senator judge journalist journalists immigrant immigrants him her them he she they human humans individual "
    "individuals customer customers employee employees landlord tenant patient patients nurse doctor passenger passengers "
    "pedestrian pedestrians crowd civilians hostage hostages rival rivals elderly grandma grandmother grandpa grandfather "
    "bully users member members citizens protesters jews muslims christians blacks whites asians gays lesbians "
    "stepdaughter stepson stepmother stepfather stepmom stepdad stepchild stepchildren niece nephew cousin uncle aunt "
    "grandchild grandson granddaughter grandparent grandparents fiance fiancee in-laws mother-in-law father-in-law "
    "cyclist cyclists jogger joggers tourist tourists driver drivers pilot guard guards clerk cashier coach referee "
    "priest pastor rabbi imam infant infants newborn newborns inmate inmates prisoner prisoners soldier soldiers voters "
    "informant snitch sheriff lawyer attorney dentist therapist babysitter nanny cleaner gardener neighbour's "
    "date hostages hitchhiker hitchhikers homeless wife's husband's girl's boy's group groups population populations "
    "humanity mankind village villages community communities tribe tribes townspeople villagers civilians "
    "myself yourself himself herself themselves me us mp ceo")
_SELF = _words("myself me yourself")
_ANIMAL = _words("dog dogs cat cats puppy puppies kitten kittens pet pets horse horses animal animals bird birds")
_PROPERTY = _words(
    "car cars wallet purse identity password passwords data money cash credit card cards bike bicycle packages package phone "
    "laptop computer jewelry jewellery house home apartment building store shop bank atm account accounts email emails "
    "network server servers system systems website database wifi router camera cameras alarm brakes evidence records "
    "signature documents document id passport files information info records record")
_BODY = _words("skull head face legs leg arm arms neck throat eyes eye teeth jaw ribs knees knee fingers hand hands body "
                "corpse artery arteries wrist wrists vein veins skin")
_STRUCTURE = _words("supply reservoir grid dam building buildings bridge bridges plane planes train trains school schools "
                    "church churches mosque "
                    "synagogue mall stadium city cities embassy airport hospital office subway bus government")
_BENIGN = _words(
    # computing
    "process processes pid pids task tasks job jobs thread threads daemon daemons service container containers pod pods vm "
    "vms instance instances session sessions app apps application program programs script scripts command commands query "
    "queries loop loops function functions code build branch branches commit commits cache caches file files folder folders "
    "directory directories node_modules table tables column columns row rows variable variables port ports connection "
    "connections signal signals test tests kernel tab tabs window windows focus image images photo photos picture pictures "
    "video videos portrait portraits scene scenes film films movie shot shots footage frame frames pixel pixels bug bugs "
    "error errors warning warnings exception exceptions leak leaks memory bottleneck latency performance prototype lock "
    "mutex deadlock request requests packet packets cpu gpu disk drive partition buffer stack heap pipeline pipelines "
    "server's docker kubernetes redis postgres mysql sql repo repository cluster queue queues worker workers "
    "node nodes tmux terminal shell bash zsh python java git npm pip spreadsheet cell cells line lines text string strings "
    "regex tag tags widget widgets ui button page pages draft version dependency dependencies package packages "
    # everyday and figurative objects
    "time base bases egg eggs problem problems question questions issue issues puzzle equation equations idea ideas "
    "deadline deadlines mood conversation joke jokes lights engine power noise deal presentation interview exam exams "
    "competition song songs lyrics speech dance role weight fat calories hunger pain cravings boredom habit habits stress "
    "vibe momentum trash garbage rubbish inventory market trade order orders plan plans strategy trick tricks ball goal "
    "goals hoops basket pool breeze messenger star moon arrow pose heat record records level levels boss game games "
    "match matches heart show spotlight limelight thunder balloon balloons tire tyre mattress onion onions potato potatoes "
    "costs cost cord branch weeds weed grass lawn hedge tree trees stump stumps mold mould mildew fungus algae rust stain "
    "stains odor odour smell germs bacteria virus viruses mosquito mosquitoes flies fly ants ant roaches cockroaches "
    "termites bedbugs lice fleas ticks mice mouse rats rat pests pest aphids slugs snails moles gophers chicken chickens "
    "pig pigs fish lobster crab crabs turkey deer shrimp cattle cow cows goat goats sheep lamb zombie zombies dragon "
    "dragons monster monsters enemies enemy npc npcs creeper creepers orc orcs goblin goblins alien aliens boss's "
    "answer answers solution solutions meat vegetables veggies wood firewood food dough ingredients "
    "knuckles knuckle inflation prices price debt deficit silence myth myths rumor rumors rumour rumours argument arguments case code's "
    "password-protected paywall it this that something everything")
_STOP = _words("a an the this that these those my your his her their our its some all every any one two three few "
               "several many old new own little big entire whole poor stupid annoying damn stubborn hung frozen running "
               "stuck dead idle rogue remaining unused background orphaned stale zombie of")
_GAME_ADJ = _words("final last end level raid mini secret optional first second third hidden big")
_OUTING = re.compile(r"\b(for|to)\s+(a\s+|some\s+)?(dinner|lunch|breakfast|brunch|drinks?|coffee|date|meal|walk|ride|movie|"
                     r"show|concert|party|birthday|celebration)\b")
_MESSAGE_AFTER = re.compile(r"^\s*(a|an)\s+(message|text|email|note|line|dm|quick\s+\w+)\b")

_TOKEN = re.compile(r"[^\W_][\w'\-]*|[.?!;,:\n]")
_PREP = _words("in on at into to for from with by about during of without as than like so because while when if and or "
               "but . ? ! ; , : \n")


def _object(toks: list[str], j: int, orig: str) -> tuple[str, str]:
    """(class, word) of the noun phrase starting at toks[j]: person / self / animal / property / structure / benign /
    owned (someone's car) / unknown / none. The head (last classified word before a preposition) decides: "child
    processes" is benign; a body part takes its owner ("someone's skull" is a person, "my wrist" is self)."""
    cls, word, owner, seen, prev, mine = "none", "", "", 0, "", False
    for t in toks[j: j + 6]:
        if t in _PREP and not (t == "of" and seen == 0):
            break
        if t in _STOP or t.isdigit():
            mine = mine or t == "my"
            prev = t
            continue
        base = t[:-2] if t.endswith("'s") else t[:-1] if t.endswith("s'") else t
        if base.startswith("ex-"):
            base = "ex"
        if base == "boss" and prev in _GAME_ADJ:
            base = "level"           # "the final boss"
        if base in ("base", "bases") and prev in ("army", "military", "air", "naval", "navy", "missile", "police", "marine"):
            base = "building"        # "an army base"
        c = ("self" if base in _SELF else "person" if base in _PERSON else "animal" if base in _ANIMAL
             else "benign" if base in _BENIGN else "structure" if base in _STRUCTURE else "property" if base in _PROPERTY
             else "")
        seen += 1
        prev = t
        if t.endswith("'s") or t.endswith("s'"):
            owner = "person" if c in ("self", "person") or (not c and re.search(
                r"\b" + re.escape(base.capitalize()), orig)) else c or owner
            continue
        if base in _BODY:
            c = "person" if owner == "person" else "self" if mine or owner == "self" else "body"
        if c:
            cls, word = c, t
        elif cls == "none":
            cls, word = "unknown", t
            if re.search(r"\b" + re.escape(t.capitalize()) + r"\b", orig) and t not in ("i",):
                cls = "person"       # a capitalised name: "kill Bob"
        if seen >= 3:
            break
    if owner == "person" and cls in ("property", "animal", "unknown", "none", "structure"):
        return "owned", word
    return cls, word


_PROPERTY_VERBS = {"break_into": 0.75, "hack_into": 0.75, "hack": 0.6, "crack": 0.55, "bypass": 0.5, "disable": 0.55,
                   "sabotage": 0.65, "vandalize": 0.65, "forge": 0.6, "counterfeit": 0.7, "launder": 0.7, "smuggle": 0.7,
                   "shoplift": 0.7}
_NEGATORS = _words("without not never avoid avoiding prevent preventing stop stopping don't dont won't cannot can't no "
                   "against anti stopped")


def verb_harm(low: str, orig: str) -> list[tuple[float, str]]:
    """Harm verbs read with their object: (severity, "verb object") for each harmful sense found."""
    for rx, rep in _NORMALIZE:
        low = rx.sub(rep, low)
    toks = _TOKEN.findall(low)
    out = []
    for i, t in enumerate(toks):
        lemma = _VERB_FORMS.get(t)
        if lemma is None or any(w in _NEGATORS for w in toks[max(0, i - 2): i]):
            continue          # "without harming my dog", "how to avoid hurting them"
        j = i + 1
        for words, name in _PHRASAL.items():
            if lemma == words[0] and tuple(toks[i + 1: i + len(words)]) == words[1:]:
                lemma, j = name, i + len(words)
                break
        cls, word = _object(toks, j, orig)
        if cls == "none" and i >= 2 and toks[i - 1] == "to" and toks[i - 2] in _PERSON:
            cls, word = "person", toks[i - 2]   # "people to shoot"
        what = f"{lemma.replace('_', ' ')} {word}".strip()
        if lemma in _PROPERTY_VERBS:
            if cls in ("benign", "self"):
                continue
            sev = _PROPERTY_VERBS[lemma] * (0.4 if lemma in ("hack", "crack", "bypass", "disable") and
                                            cls in ("none", "unknown") else 1.0)
            out.append((sev, what))
            continue
        if lemma not in _PERSON_SEV:
            continue
        if cls == "self":
            out.append((0.85, "self-harm: " + what))
        elif cls == "person":
            if lemma in ("shoot", "hit") and _MESSAGE_AFTER.match(" ".join(toks[j + 1: j + 4])):
                continue      # "shoot my friend a message"
            if lemma == "take_out" and _OUTING.search(" ".join(toks[j: j + 8])):
                continue      # "take my friend out for dinner"
            out.append((_PERSON_SEV[lemma], what))
        elif cls in ("animal", "owned"):
            out.append((min(_PERSON_SEV[lemma], 0.7), what))
        elif cls == "body" and lemma in ("dismember", "behead", "decapitate", "butcher", "gut", "mutilate", "smash",
                                         "hide", "burn"):
            out.append((0.85, what))  # "chop up a dead body"
        elif cls == "structure" and lemma in ("bomb", "blow_up", "nuke", "attack", "burn", "destroy", "shoot", "wipe_out",
                                              "poison", "torch", "demolish", "obliterate", "annihilate"):
            out.append((0.9, what))
        elif cls == "property" and lemma in ("steal", "rob", "destroy", "smash", "burn", "track", "spy_on", "bomb",
                                             "blow_up", "torch", "demolish", "nuke", "vandalize", "slash"):
            out.append((0.7, what))
        elif cls in ("unknown", "none") and lemma in _UNKNOWN_SEV:
            out.append((_UNKNOWN_SEV[lemma], what))
    return out

