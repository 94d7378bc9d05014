"""The grammar of direct asks for a job (``model.asks`` finds them with it): the word classes,
the key words each rule needs, and the rules, one way of asking each.
"""

from __future__ import annotations

#: Word classes of the grammar, each an alternation (lowercase; typos after the right spelling).
WORDS = {
    "YOU": r"(?:you|yuo|u|y'all|you guys|you all|you folks)",
    "YOUR": r"(?:your|yuor|yoru|ur|you're|youre)",
    "ORGN": r"(?:team|teams|company|firm|group|lab|department|dept|organi[sz]ation|org|office|agency|unit"
    r"|startup|studio|newsroom|practice|division|shop|publisher|press|house|school|hospital|clinic"
    r"|branch|bureau|center|centre|business|side|place|project|crew)",
    "JOB": r"(?:jobs?|internships?|intership|internshp|internhsip|interns?|positions?|postions?|possitions?"
    r"|posiitons?|roles?|openings?|oppenings?|openning|vacanc(?:y|ies)|placements?|apprenticeships?"
    r"|fellowships?|traineeships?|residency|co-?op)",
    "JOBX": r"(?:{JOB}|spots?|places?|seats?|room|space|opportunit(?:y|ies)|gig|interviews?|shot|chance)",
    # A job word in "the job market", "a role model", "an interview tip": not a job asked for.
    "NOTJOB": r"(?!\s+(?:market|search|hunt|hunting|titles?|boards?|fairs?|descriptions?|models?|papers?"
    r"|process|seekers?|ads?|postings?|listings?|security|satisfaction|changes?|history|experience"
    r"|offers?|requirements?|skills?|prospects?|programs?|programmes?|tips?|questions?|advice|prep"
    r"|preparation|practice|format|stages?|rounds?|to)\b)",
    "DET": r"(?:an?|the|any|some|that|this|one|another|such an?)",
    # Up to three words between a determiner and its noun ("the open analyst role"), none of
    # them a word that would carry the phrase elsewhere.
    "ADJ": r"(?:(?!(?:of|about|on|in|at|for|to|with|from|and|or|how|what|which|who|why|when|where|if"
    r"|that|is|are|was|were|do|does|did|you|your|ur|his|her|their|our|its|i|me|my|can|could|would"
    r"|will)\b)[a-z][a-z\x27’-]*\s+){0,3}",
    "ME": r"(?:me|myself|someone like me|somebody like me|a person like me|people like me|a candidate like me"
    r"|someone with my [a-z\x27’-]+(?: [a-z\x27’-]+)?|someone with a background like mine)",
    "OTHERS": r"(?:someone|somebody|a person|people|anyone|candidates?|a candidate|an applicant|applicants)"
    r" (?:like me|like myself|with my|with a background like mine|with a profile like mine)",
    "MODAL": r"(?:could|coudl|cuold|coud|can|would|woudl|wuold|wold|will|might|may)",
    # "you" asked, or "please": a few words may come between ("would you be willing to").
    "ASKED": r"(?<!did\s)(?<!do\s)(?<!does\s)(?<!have\s)(?<!had\s)(?:{YOU}|please|pls)(?: [a-z\x27’]+){0,3}?",
    "RESUME": r"(?:resumes?|résumés?|resumé|cv|application|portfolio|name|profile|details|candidacy)",
    "CONSIDER": r"(?:consider|concider|cosider|considder|consdier|considering)",
    "REFER": r"(?:refer|reffer|refere|recommend|recomend|reccomend|reccommend|suggest|submit|endorse"
    r"|propose|nominate)",
    "HIRER": r"(?:hiring|recruit\w*|hr\b|human resources|talent)",
    "NOWH": r"(?<!how\s)(?<!where\s)(?<!what\s)(?<!when\s)(?<!why\s)",
    "END": r"(?=\s*(?:[?.!,;:)]|$))",
}

#: Words whose forms are keys (below): the object words of the grammar, spelled out.
KEY_WORDS = {
    "@JOB": "job jobs internship internships intership internshp internhsip intern interns position positions"
    " postion postions possition possitions posiiton posiitons role roles opening openings oppening"
    " oppenings openning vacancy vacancies placement placements apprenticeship apprenticeships fellowship"
    " fellowships traineeship traineeships residency co coop",
    "@JOBX": "@JOB spot spots place places seat seats room space opportunity opportunities gig interview"
    " interviews shot chance",
    "@CONSIDER": "consider concider cosider considder consdier considering",
    "@REFER": "refer reffer refere recommend recomend reccomend reccommend suggest submit endorse propose"
    " nominate",
    "@HIRER": "hiring recruit recruiter recruiters recruiting recruitment hr human talent",
    "@YOU": "you yuo u y'all guys all folks",
    "@ORGN": "team teams company firm group lab department dept organization organisation org office"
    " agency unit"
    " startup studio newsroom practice division shop publisher press house school hospital clinic branch"
    " bureau"
    " center centre business side place project crew",
}

#: The grammar: each entry one way of asking, with its keys: the words (as written, lowered)
#: one of which every text it matches holds. ``{WORD}`` is a class above; a space is any run
#: of spaces or line breaks.
GRAMMAR = (
    # the verb carries the ask: "hire me", "take me on", "consider me for", "keep me in mind"
    (
        "hire hier hrie hiring employ recruit onboard sponsor interview | me",
        r"(?:hire|hier|hrie|hiring|employ|recruit|onboard|sponsor|interview) me\b(?! (?:about|on how"
        r"|through))",
    ),
    (
        "hire hiring employ recruit take bring interview accept @CONSIDER | like with | me my mine myself",
        r"{YOU}(?: [a-z\x27’]+){0,3}? (?:hire|hiring|employ|recruit|take on|bring on|{CONSIDER}|interview"
        r"|accept) {OTHERS}",
    ),
    (
        "hire employ recruit take bring @CONSIDER | like with",
        r"(?:your|ur|the) {ORGN}(?: [a-z\x27’]+){0,3}? (?:hire|employ|recruit|take on|bring on|{CONSIDER})"
        r" {OTHERS}",
    ),
    ("take | me like with", r"take (?:me|{OTHERS}) on\b(?! (?:a|the) (?:tour|walk|trip|ride|call))"),
    ("take | onboard", r"take me onboard"),
    (
        "bring | me like with",
        r"bring (?:me|{OTHERS}) (?:on|onto|aboard|onboard|in)\b(?! (?:a|the) (?:tour|call|walk|loop))",
    ),
    ("@CONSIDER | me", r"{CONSIDER} me (?:for|as|if|when|in)\b"),
    ("@CONSIDER | me", r"{CONSIDER} me{END}"),
    ("@CONSIDER | my", r"{CONSIDER} my (?:application|candidacy|resume|résumé|cv)"),
    (
        "keep keeping | mind file radar handy",
        r"(?:keep|keeping) (?:me|my name|my resume|my résumé|my cv|my application) (?:in mind|on file"
        r"|on your radar|handy)",
    ),
    ("think | me", r"think of me (?:for|if|when|whenever|as|should)\b"),
    ("put | me name", r"put (?:me|my name) (?:forward|up for|in for|in the running)"),
    ("put | name", r"put my name in\b"),
    ("vouch | me", r"vouch for me"),
    ("word | good", r"good word for me"),
    (
        "word | good",
        r"good word (?:with|to) (?:your|ur|the) (?:{HIRER}|manager|boss|team|lead|director|editor|people)",
    ),
    ("word | good", r"{ASKED} put in a good word(?! for (?:you|him|her|them|someone|somebody|us|others))"),
    # refer me: for a job, to whoever hires, or nothing more
    ("@REFER | me", r"{REFER} me for\b"),
    (
        "@REFER | me",
        r"{REFER} me to (?:{DET} |{YOUR} )?{ADJ}(?:{HIRER}|{JOB}{NOTJOB}\b|(?:{YOUR}|the) (?:team|company"
        r"|boss))",
    ),
    ("@REFER | me", r"{REFER} me(?=\s*(?:[?.!,;]|$)| internally)"),
    ("referral | internal employee", r"(?:internal|employee) referral"),
    ("referral | for to", r"referral (?:for|to) (?:{DET} )?{ADJ}{JOB}{NOTJOB}\b"),
    (
        "reference | be",
        r"{ASKED} be (?:a |my )(?:job |professional )?reference\b(?! for (?:you|him|her|them))",
    ),
    ("reference | my", r"(?:be|as) my reference\b"),
    # my résumé, passed on
    (
        "pass passing forward forwarding hand circulate slip walk | my",
        r"(?:pass|passing|forward|forwarding|hand|circulate|slip|walk) (?:along |on )?my {RESUME}",
    ),
    (
        "pass forward send hand | it this them",
        r"(?:pass|forward|send|hand) (?:it|this|them) (?:along |on )?to (?:your|ur|the) (?:{HIRER}"
        r"|manager|boss"
        r"|team)",
    ),
    (
        "send share give submit get put show bring | my",
        r"{ASKED} (?:send|share|give|submit|get|put|show|bring) my {RESUME} (?:to|with|in front of|along to"
        r"|over to) (?:your|ur|the|whoever) (?:{HIRER}|manager|boss|team|right people|people who|{ORGN})",
    ),
    (
        "flag push fast expedite champion back support prioritize prioritise endorse | application candidacy",
        r"{ASKED} (?:flag|push|fast-track|expedite|champion|back|support|prioriti[sz]e|endorse) my"
        r" (?:application|candidacy)",
    ),
    # a place for me
    (
        "@JOBX | there",
        r"(?:is|are) there (?:any |an? |some |ever )?{ADJ}{JOBX}{NOTJOB} (?:(?:on|at|in|with|within)"
        r" (?:your|ur"
        r"|the) {ORGN}\b|for {ME} (?:on|at|in|with|within) (?:your|ur) {ORGN}\b|for me{END})",
    ),
    (
        "@JOBX | have has got find make create open hold save spare carve | me myself someone somebody"
        " people person candidate",
        r"(?:{YOU}|(?:your|ur|the) {ORGN})(?: [a-z\x27’]+){0,3}? (?:have|has|got|find|make|create|open"
        r"|hold|save"
        r"|spare|carve out) (?:{DET} )?{ADJ}{JOBX}(?: [a-z\x27’]+){0,3}? for {ME}\b",
    ),
    (
        "@JOB | have has got offer take need want",
        r"(?:do|does) (?:{YOU}|(?:your|ur|the) {ORGN}) (?:currently |still |now |by any chance |ever"
        r" )?(?:have"
        r"|has|got|offer|take|need|want) (?:any |an? |some |more |new )?{ADJ}{JOB}{NOTJOB}\b",
    ),
    (
        "intern interns junior juniors assistant assistants hires | need use want",
        r"(?:do|does|would|could|might) (?:{YOU}|(?:your|ur|the) {ORGN}) (?:ever |currently |still "
        r"|possibly )?"
        r"(?:need|use|want) (?:an? |another |any |some |more )?(?:extra |new |summer |junior )?(?:interns?"
        r"|juniors?|assistants?|new hires)\b",
    ),
    (
        "@JOB | any | your ur me myself someone somebody people person candidate",
        r"any {ADJ}{JOB}{NOTJOB} (?:(?:on|at|in|with|within) (?:your|ur) {ORGN}\b|for {ME}\b)",
    ),
    # are you hiring
    (
        "hiring recruiting taking bringing looking | is are | your ur the",
        r"(?:is|are) (?:anyone |anybody |someone )?(?:(?:on|at|in) )?(?:your|ur|the) {ORGN} (?:currently "
        r"|still"
        r" |now |actively |even )?(?:hiring|recruiting|taking on|bringing on|looking for (?:new |more "
        r"|an? |any )?"
        r"(?:interns?|people|hires|staff|juniors?|candidates|someone))",
    ),
    ("hiring | @YOU", r"{YOU} (?:currently |still |now )?hiring{END}"),
    (
        "hiring recruiting taking | chance wonder wondering know curious hear heard see | your ur the",
        r"(?:chance|wonder|wondering|know|curious|hear|heard|see) (?:if |whether |that )?(?:your|ur|the)"
        r" {ORGN}"
        r" (?:is|are|'s|might be|will be) (?:currently |still |now )?(?:hiring|recruiting|taking on)",
    ),
    (
        "hiring recruiting taking looking | are r",
        r"(?:are|r) {YOU} (?:currently |still |now |actively )?(?:hiring|recruiting|taking on (?:interns|new"
        r"|juniors|people)|looking for (?:interns|new hires|someone|people))",
    ),
    # I apply, work, join: with you
    (
        "apply work intern join start interview come considered | i | you u yuo your ur yuor the y'all guys",
        r"{NOWH}(?:can|could|may|might|should) i (?:possibly |perhaps |also |please )?(?:apply|work"
        r"|intern|join"
        r"|start|interview|come (?:work|in|on board|aboard)|be considered)(?: (?:for|with|at|on|to|in"
        r"|under))?"
        r" (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)",
    ),
    (
        "work intern join apply interview considered come part start | i | you u yuo your ur yuor the"
        " this that y'all guys",
        r"\bi(?:'d|'m| am| would| really|'d really| would really)? (?:love|like|want|hope|wish|welcome the"
        r" chance|welcome the opportunity|be glad|be happy|be thrilled|be excited|be delighted|be eager|eager"
        r"|keen|hoping|excited|thrilled|glad|happy) (?:the (?:chance|opportunity) )?to (?:(?:one day|someday"
        r"|eventually|possibly|also) )?(?:work|intern|join|apply|interview|be considered|come (?:work|on"
        r" board"
        r"|aboard)|be part of|start)(?: (?:for|with|at|on|to|in|under|alongside))? (?:{YOU}\b|(?:your|ur|the)"
        r" {ORGN}\b|(?:the|that|this) {ADJ}{JOB}{NOTJOB}\b)",
    ),
    (
        "@JOB | interested",
        r"\bi(?:'m| am) (?:very |really |also )?interested in (?:{DET} )?{ADJ}{JOB}{NOTJOB} (?:(?:on|at"
        r"|with|in)"
        r" (?:your|ur) {ORGN}\b|(?:you|your {ORGN}) (?:posted|advertised|listed|have open|are hiring for))",
    ),
    (
        "@JOB | looking hoping searching",
        r"\bi(?:'m| am) (?:also )?(?:looking|hoping|searching) for (?:{DET} )?{ADJ}{JOB}{NOTJOB} (?:on|at"
        r"|with"
        r"|in) (?:your|ur|the) {ORGN}\b",
    ),
    (
        "work intern join apply interview come | possible way option chance",
        r"(?:possible|any way|a way|an option|a chance) (?:for me )?to (?:work|intern|join|apply|interview"
        r"|come on board)(?: (?:for|with|at|on|to|in))? (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)",
    ),
    (
        "apply work intern join come interview considered | i | you u yuo your ur yuor the y'all guys",
        r"(?<!how\s)\bi (?:could|can|might|may) (?:possibly |also )?(?:apply|work|intern|join|come work"
        r"|interview|be considered)(?: (?:for|with|at|on|to|in|under))? (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)",
    ),
    (
        "@JOB | apply considered interview",
        r"{JOB}{NOTJOB} (?:(?:[a-z\x27’]+ ){0,5}?)i (?:could|can|might|should) (?:apply|be considered"
        r"|interview)\b",
    ),
    # get me, give me, find me: a job
    (
        "@JOBX | get have land secure given offered",
        r"{NOWH}(?:can|could|may|might) i (?:please )?(?:get|have|land|secure|be given|be offered)"
        r" (?:{DET} )?"
        r"{ADJ}{JOBX}{NOTJOB}(?:{END}| (?:with|at|on|in|from|for) (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)"
        r"| (?:here|there)\b)",
    ),
    (
        "@JOB | give offer find hand",
        r"(?:give|offer|find|hand) me (?:an? |the |that |this )?{ADJ}{JOB}{NOTJOB}\b",
    ),
    (
        "@JOBX | give offer get find land arrange secure grant line | you u yuo please pls your ur",
        r"(?:{ASKED}|(?:your|ur) {ORGN}(?: [a-z\x27’]+){0,2}?) (?:give|offer|get|find|land|arrange|secure"
        r"|grant"
        r"|line up) (?:me )?(?:{DET} )?{ADJ}{JOBX}{NOTJOB}\b(?! (?:to|of|on|about|for you|for them))",
    ),
    ("@JOBX | set", r"{ASKED} set me up (?:with|for) (?:{DET} )?{ADJ}{JOBX}{NOTJOB}\b"),
    (
        "@JOB | help",
        r"{ASKED} help me (?:to )?(?:get|find|land|secure|obtain) (?:{DET} )?{ADJ}{JOB}{NOTJOB}\b",
    ),
    ("door | foot me", r"(?:{ASKED}|{MODAL} {YOU})(?: help)? (?:get|put) (?:me|my foot) in the door"),
    ("door | foot", r"(?:get|getting) my foot in the door (?:at|with|on) (?:your|ur) {ORGN}\b"),
    (
        "@JOBX | chance",
        r"(?:any|is there (?:any|a)) chance (?:of|for|at) (?:getting |landing |me getting )?(?:{DET}"
        r" )?{ADJ}{JOBX}"
        r"{NOTJOB}(?:{END}| (?:with|at|on|in|for) (?:{YOU}\b|(?:your|ur|the) {ORGN}\b))",
    ),
    ("@HIRER | touch", r"(?:put|get) me in touch with (?:your|ur|the) (?:{HIRER}|hiring manager|recruiter)"),
    ("@HIRER | introduce", r"introduce me to (?:your|ur|the) (?:{HIRER}|hiring manager|recruiter)"),
    (
        "know tell heads posted ping | @ORGN | me",
        r"(?:let me know|tell me|give me a heads[- ]up|keep me posted|ping me) (?:if|when|whenever|as soon as"
        r"|should) (?:anything|something|an?|any|one|there's|there is) (?:[a-z\x27’-]+ ){0,4}?(?:on|at|in"
        r"|with"
        r"|within) (?:your|ur) {ORGN}\b",
    ),
    (
        "@JOB | ask asking inquire inquiring enquire enquiring",
        r"(?<!not\s)(?<!n't\s)(?:ask|asking|inquire|inquiring|enquire|enquiring) (?:you )?(?:about|for|after"
        r"|regarding) (?:{DET} )?{ADJ}{JOB}{NOTJOB} (?:(?:on|at|with|in) (?:your|ur) {ORGN}\b|(?:{YOU}|your"
        r" {ORGN}) (?:posted|advertised|listed|have open|are hiring for))",
    ),
    ("@JOB | ask asking", r"(?<!not\s)(?<!n't\s)(?:ask|asking) (?:you )?for (?:an? )?{ADJ}{JOB}{NOTJOB}\b"),
)
