"""The demo's English: every sector, sub-category and service as residents read it on English pages.

Kept beside ``data`` rather than in its rows: editors maintain these in the CMS, and
``seed_demo`` fills them in only where they are still empty.
"""

# sector slug: (name, introduction)
SECTORS = {
    "education": (
        "Education",
        "After-school care, interest classes, family education and classes for older people, at schools and youth "
        "centres close to home.",
    ),
    "health": (
        "Health",
        "Community health centres offer check-ups, family-doctor sign-up, vaccination, maternal and child care and "
        "chronic-disease care: book online and queue less.",
    ),
    "legal": (
        "Legal services",
        "A police officer, a prosecutor, a judge and a lawyer in every community, legal help within ten minutes: free "
        "one-to-one legal consultation, people's mediation, legal aid and legal education.",
    ),
    "social-security": (
        "Social security",
        "Pension and medical insurance, social-security cards, jobs and business start-ups, social assistance: book "
        "first, then get it done at the window in one visit.",
    ),
    "culture": (
        "Culture",
        "Free classes, reading events, arts and sports training and intangible-heritage workshops at the library, the "
        "culture hall and the street culture stations.",
    ),
}

SUBCATEGORIES = {
    "education-after-school": "After-school care",
    "education-interest": "Interest classes",
    "education-family": "Family education",
    "education-adult": "Adult and senior education",
    "education-enrolment": "School enrolment",
    "health-checkup": "Health check-ups",
    "health-family-doctor": "Family doctor",
    "health-vaccination": "Vaccination",
    "health-maternal-child": "Maternal and child health",
    "health-chronic": "Chronic disease and rehabilitation",
    "legal-consultation": "Legal consultation",
    "legal-mediation": "People's mediation",
    "legal-aid": "Legal aid",
    "legal-education": "Legal education",
    "social-security-pension": "Pension insurance",
    "social-security-medical": "Medical insurance",
    "social-security-card": "Social-security card",
    "social-security-employment": "Jobs and start-ups",
    "social-security-assistance": "Social assistance",
    "culture-reading": "Reading and libraries",
    "culture-arts": "Arts classes",
    "culture-sports": "Culture and sports activities",
    "culture-heritage": "Intangible heritage",
}

# service slug: (name, summary)
SERVICES = {
    "free-legal-consultation": (
        "Free legal consultation",
        "A community lawyer answers your questions one to one, free: marriage and family, work, neighbours, contracts.",
    ),
    "online-legal-consultation": (
        "Online video legal consultation",
        "Talk to the duty lawyer of the public legal service centre by video, one to one, without leaving home.",
    ),
    "contract-review-consultation": (
        "Contract review consultation",
        "Before you sign a lease, a sale, a loan or a renovation contract, have a lawyer look it over.",
    ),
    "labour-dispute-consultation": (
        "Labour dispute legal consultation",
        "Unpaid wages, work injuries, compensation for dismissal: a lawyer answers one to one.",
    ),
    "family-law-consultation": (
        "Marriage and family legal consultation",
        "Divorce, child custody, support of parents, inheritance and wills: a lawyer answers in confidence.",
    ),
    "people-mediation": (
        "People's mediation appointment",
        "Disputes with neighbours, property managers, family or sellers, mediated free; the agreement is legally "
        "binding.",
    ),
    "notary-mediation": (
        "Notarial people's mediation",
        "The district's notarial mediation committee mediates property and inheritance disputes; the agreement can be "
        "notarised.",
    ),
    "neighbour-mediation": (
        "Neighbour dispute mediation at Lao Wang's room",
        "Noise, leaks, parking, dogs… an experienced mediator helps neighbours talk it through.",
    ),
    "legal-aid-guidance": (
        "Legal aid application guidance",
        "Short of money and facing a lawsuit? Staff check whether you qualify, help prepare the papers and file the "
        "application.",
    ),
    "migrant-wage-legal-aid": (
        "Legal aid for migrant workers' unpaid wages",
        "Migrant workers owed wages apply for legal aid without a means test, handled quickly.",
    ),
    "law-lecture": (
        "Panlong law lecture",
        "A weekly talk: judges and lawyers explain the Civil Code through everyday cases.",
    ),
    "elderly-anti-fraud-lecture": (
        "Anti-fraud law talk for older people",
        "Health products, house-for-pension schemes, fake police calls: officers and lawyers show how to spot a scam.",
    ),
    "youth-law-class": (
        "Law class for young people",
        "Mock trials and school-bullying cases: prosecutors teach children about the law.",
    ),
    "elderly-health-checkup": (
        "Free health check-up for people over 65",
        "A free yearly check-up under the national public health programme: blood test, liver and kidney function, "
        "ECG, ultrasound.",
    ),
    "family-doctor-signup": (
        "Family doctor sign-up",
        "Sign up with your community family-doctor team for health management, chronic-disease follow-up and priority "
        "appointments.",
    ),
    "family-doctor-home-visit": (
        "Family doctor home visit",
        "For signed-up older people who are frail or disabled: the family doctor comes home to check blood pressure "
        "and sugar and adjust medicine.",
    ),
    "child-vaccination": (
        "Child vaccination",
        "Free vaccines of the national immunisation programme; book for the date in your child's vaccination record.",
    ),
    "adult-flu-vaccine": ("Adult flu vaccination", "Quadrivalent flu vaccine, one dose each autumn or winter."),
    "hpv-vaccine": (
        "9-valent HPV vaccination",
        "Nine-valent human papillomavirus vaccine, three doses; this booking is for one dose.",
    ),
    "maternal-health-management": (
        "Pregnancy and maternal health care",
        "Registration in early pregnancy, check-ups during pregnancy and visits after birth, free under the national "
        "programme.",
    ),
    "child-health-checkup": (
        "Health check-up for children aged 0–6",
        "Height, weight, growth, eyesight and teeth, checked at regular ages.",
    ),
    "child-dental-sealant": (
        "Children's dental check and fissure sealing",
        "Free dental check and fissure sealants for children of the right age, against tooth decay.",
    ),
    "premarital-checkup": (
        "Free pre-marriage and pre-pregnancy check-up",
        "For couples getting married or planning a baby: a free check-up in one visit.",
    ),
    "chronic-disease-followup": (
        "High blood pressure and diabetes follow-up",
        "A free check every quarter: blood pressure, blood sugar, medicine and lifestyle advice.",
    ),
    "tcm-constitution": (
        "Traditional Chinese medicine constitution check",
        "A TCM doctor assesses your constitution and advises on diet, daily habits and acupoint care.",
    ),
    "tcm-acupuncture": (
        "Acupuncture and TCM therapy",
        "Acupuncture, massage and cupping for neck, shoulder, back and leg pain, at community-hospital prices.",
    ),
    "resident-pension-enrolment": (
        "Residents' pension insurance enrolment",
        "Residents without employees' pension insurance enrol in the basic pension insurance for urban and rural "
        "residents.",
    ),
    "pension-qualification": (
        "Pension entitlement check",
        "The yearly check that you may keep drawing your pension; older people who cannot do it by phone book a "
        "window.",
    ),
    "retirement-application": (
        "Retirement application for employees",
        "Insured employees who reach retirement age apply to retire and have their pension worked out.",
    ),
    "resident-medical-insurance": (
        "Residents' medical insurance enrolment",
        "Enrol and pay for basic medical insurance: newborns, students and the self-employed included.",
    ),
    "medical-reimbursement": (
        "Medical care elsewhere: registration and reimbursement",
        "Register before seeing a doctor in another city; book a window to be reimbursed for bills you paid there.",
    ),
    "social-security-card": (
        "Social-security card application",
        "Apply for the third-generation social-security card, made while you wait.",
    ),
    "social-security-card-replacement": (
        "Lost or damaged social-security card",
        "Report the card lost, then get a new one made while you wait.",
    ),
    "employment-guidance": (
        "Job and start-up guidance",
        "A careers adviser one to one: job plans, your CV, vacancies and start-up support explained.",
    ),
    "startup-guarantee-loan": (
        "Start-up guarantee loan application",
        "Guaranteed start-up loans of up to 300,000 yuan with interest subsidy; book a window to have your papers "
        "checked.",
    ),
    "vocational-training": (
        "Vocational skills training (housekeeping, childcare, electrician)",
        "Subsidised job-skills training, ending with a skills-level assessment.",
    ),
    "minimum-living-allowance": (
        "Minimum living allowance (dibao) application help",
        "If your household income is below the dibao line, staff help you fill in the application and prepare papers.",
    ),
    "disability-subsidy": (
        "Disability subsidies application",
        "Apply for the living subsidy for people with disabilities in hardship and the care subsidy for severe "
        "disability.",
    ),
    "temporary-assistance": (
        "Temporary assistance application",
        "Sudden hardship from a fire, a traffic accident or serious illness: apply for temporary assistance.",
    ),
    "after-school-care": (
        "After-school care",
        "Two hours at school after lessons: homework help, reading and sport, until parents finish work.",
    ),
    "weekend-homework-help": (
        "Weekend homework help (student volunteers)",
        "Volunteers from Yunnan University and Kunming University of Science and Technology help with homework at "
        "weekends.",
    ),
    "youth-coding-class": (
        "Coding class for young people",
        "From block coding to Python, a small project each lesson.",
    ),
    "kids-swimming": (
        "Children's swimming",
        "Small classes with a professional coach, from getting used to water to swimming 25 metres alone.",
    ),
    "kids-art-class": (
        "Children's art class",
        "Line drawing, watercolour and crafts that train children's eye and imagination.",
    ),
    "youth-robotics": ("Robotics camp for young people", "Build it, code it, race it: make a robot that walks."),
    "parenting-lecture": (
        "Parenting talk",
        "A school counsellor on talking with your child, the teenage years and good study habits.",
    ),
    "youth-psychological-counselling": (
        "Counselling for young people",
        "A counsellor listens one to one to what worries a child, in confidence.",
    ),
    "senior-smartphone-class": (
        "Smartphone class for older people",
        "Step by step: health codes, mobile payment, booking a doctor online and video calls.",
    ),
    "enrolment-consultation": (
        "Primary and middle school enrolment advice",
        "Catchment areas, who may enrol and the papers needed for primary and middle school, answered one to one.",
    ),
    "migrant-children-enrolment": (
        "School enrolment papers for migrant families' children",
        "Families working or living in Panlong book a check of their child's school enrolment papers.",
    ),
    "library-card": (
        "Library card",
        "A library card without deposit, for borrowing books and using the e-resources.",
    ),
    "kids-story-time": ("Picture-book story time", "Saturday mornings: stories from picture books, and crafts."),
    "parent-child-reading": (
        "Reading with your child",
        "A reading promoter shows parents how to choose books and read with their children.",
    ),
    "study-room": ("Study room seat booking", "A quiet, bright study seat, mornings, afternoons or evenings."),
    "calligraphy-class": (
        "Free calligraphy class",
        "A calligrapher teaches the strokes and structure of regular script; brushes, ink and paper provided.",
    ),
    "guzheng-class": ("Guzheng exam class", "Small guzheng classes working through the grade-exam pieces."),
    "community-chorus": (
        "Community choir rehearsal",
        "The Tuodong community choir rehearses on Wednesday evenings; new singers welcome to try out.",
    ),
    "photography-class": (
        "Photography basics",
        "Composition, light and phone photography, then a shoot at Green Lake and Yuantong Hill.",
    ),
    "rehearsal-room": (
        "Culture hall rehearsal room",
        "A 120 m² rehearsal room with sound system and mirror wall, two hours a booking for groups.",
    ),
    "square-dance-training": (
        "Square dance training",
        "Dance teachers from the culture hall teach proper steps and new routines, for fitness and safety.",
    ),
    "tai-chi": ("Morning tai chi class", "The 24-form tai chi, learnt in one course, for health and strength."),
    "rural-cinema": ("Free open-air cinema", "Open-air films on Saturday evenings, new releases and classics in turn."),
    "yi-embroidery": (
        "Yi embroidery heritage workshop",
        "A heritage master teaches Yi embroidery stitches; take home a small piece you made.",
    ),
    "huadeng-opera": (
        "Yunnan Huadeng opera: watch and sing",
        "Actors of the Huadeng troupe perform and teach classic Huadeng tunes.",
    ),
}
