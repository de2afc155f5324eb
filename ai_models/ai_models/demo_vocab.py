"""Vocabulary for the synthetic support-ticket demo (see :mod:`ai_models.demo_data`).

Pure data, no logic. Phrases use ``[a|b|c]`` for "pick one of these"; the generator expands
them. Each label has many distinct cue phrases (listed roughly from common to rare) so that a
small labelled set cannot cover the whole vocabulary. Everything here is made up.
"""

from __future__ import annotations

# fmt: off
LABELS: tuple[str, ...] = ("billing", "technical", "shipping", "account", "product_question")

# Label priors for the pool and holdout (the labelled seed set is balanced).
LABEL_PRIORS: dict[str, float] = {
    "billing": 0.24,
    "technical": 0.25,
    "shipping": 0.21,
    "account": 0.16,
    "product_question": 0.14,
}

CUES: dict[str, list[str]] = {
    "billing": [
        "I was [charged|billed] twice", "I need a refund", "my invoice is wrong",
        "the [payment|card payment] was declined", "I was overcharged",
        "there is a double charge on my [card|statement]", "can I get a copy of the invoice",
        "the promo code was not applied", "why did the price go up", "the coupon did not work",
        "I want my money back", "an unexpected fee showed up", "the VAT on the invoice is wrong",
        "my credit card was [debited|charged] without permission", "the receipt is missing",
        "I was charged after I cancelled", "please reverse the transaction",
        "the discount is not reflected", "my bank shows a pending transaction",
        "the renewal fee was taken [early|without notice]", "the PayPal payment failed",
        "I need a [credit note|proforma]", "the installment plan was not set up",
        "I paid but the amount was deducted twice", "the sales tax looks too high",
        "can you update the billing address on the invoice", "I want to dispute this charge",
        "a late fee was added", "the [currency conversion|exchange rate] is off",
        "I would like to pay by wire transfer", "the direct debit bounced",
        "my store credit was not used at checkout", "the gift card balance is wrong",
        "the annual plan cost more than quoted", "I need a tax exemption on future invoices",
        "cashback never arrived", "the prorated amount makes no sense",
        "please send me a quote for ten licences", "the reimbursement is still outstanding",
        "my statement lists a charge I do not recognise", "the chargeback is still open",
        "the monthly [fee|charge] doubled", "invoice number does not match the payment",
        "I got billed for a plan I never chose", "the checkout total was higher than the cart",
        "the transaction id on the receipt is blank", "my payment method keeps getting rejected",
        "the refund went to an expired card", "I was billed in the wrong currency",
        "the subscription fee was not refunded", "I need an itemised [invoice|bill]",
    ],
    "technical": [
        "the app [crashes|keeps crashing]", "I get an error message", "the page will not load",
        "the screen goes blank", "it freezes [constantly|every few minutes]", "I found a bug",
        "sync keeps failing", "the firmware update failed", "bluetooth pairing does not work",
        "the wifi connection [drops|keeps dropping]", "the battery drains [fast|overnight]",
        "the device is overheating", "I get error code E42", "the server returns a 500 error",
        "the request times out", "performance is really slow", "the API returns garbage",
        "the integration broke after the update", "the browser extension stopped working",
        "the screen flickers", "it keeps rebooting", "the touch screen is unresponsive",
        "the installation fails halfway", "the driver is not recognised",
        "my data is not saving", "notifications are not [working|showing up]",
        "the camera is not detected", "it shows a stack trace", "the latency is terrible",
        "the file got corrupted", "a factory reset did not help", "the update broke everything",
        "dark mode has a glitch", "the export feature is failing", "the upload is stuck at 99%",
        "the video is pixelated", "the audio is crackling", "there seems to be a memory leak",
        "CPU usage spikes to 100%", "the SSL certificate shows a warning",
        "the webhook never fires", "the plugin throws an exception",
        "the sensor readings are inaccurate", "the display shows garbled characters",
        "the fan makes a grinding noise", "it disconnects from the hub",
        "the charging port is loose", "the printer driver is incompatible",
        "the widget renders incorrectly", "the scheduled backup silently fails",
        "the search function returns nothing",
    ],
    "shipping": [
        "my package [has not|hasn't] arrived", "where is my tracking number",
        "the delivery is delayed", "the courier never showed up", "the parcel is lost",
        "the shipment is stuck in transit", "it was delivered to the wrong address",
        "I paid for express shipping", "it has not been dispatched yet",
        "it says out for delivery since [Monday|Tuesday|last week]", "it was left at the door",
        "the box arrived [damaged|crushed]", "it is held at customs",
        "who pays the import duties", "the shipping label was never created",
        "the carrier lost my [package|parcel]", "can I change the delivery address",
        "DHL says it was returned to sender", "the postal service has no record",
        "can I collect it from a pickup point", "the parcel locker code does not work",
        "the estimated arrival keeps moving", "it is sitting in the warehouse",
        "a signature was required but nobody knocked", "I missed the delivery window",
        "please arrange a redelivery", "the freight company cannot find the pallet",
        "international shipping to Canada", "it was handed to a neighbour I do not know",
        "it is stuck at the sorting facility", "I need a return label",
        "the consignment note is missing", "the delivery driver was rude",
        "it was left in the mailbox in the rain", "can you ship to a PO box",
        "the item is on backorder", "I only received a partial shipment",
        "the dispatch confirmation never came", "transit time is way longer than promised",
        "UPS marked it delivered but it is not here", "FedEx tracking has not updated",
        "the parcel was opened before it reached me", "can you hold the shipment until I am back",
        "one of the boxes in the delivery is missing", "the courier asked for cash on delivery",
        "the packaging was soaked", "can I upgrade to next day delivery",
        "the tracking link shows someone else's parcel", "my doorstep camera shows no delivery",
    ],
    "account": [
        "I need to reset my password", "I cannot log in", "I am locked out of my account",
        "the two-factor code never arrives", "the verification email is missing",
        "I want to change my email address", "I forgot my username",
        "please delete my account", "how do I close my account", "my profile settings reset",
        "I do not remember my security question", "I got a suspicious login alert",
        "I think my account was hacked", "can you merge my two accounts",
        "I need to update my phone number", "where are the privacy settings",
        "I want a GDPR export of my data", "unsubscribe me from the newsletter",
        "how do I unlink my Google login", "single sign-on is not letting me in",
        "the sign up form rejects my details", "the activation link has expired",
        "my account was suspended", "I want to deactivate my profile temporarily",
        "how do I give a colleague admin rights", "I need to add a team member",
        "please change the name on my account", "my authenticator app was reset",
        "I lost my recovery codes", "my session keeps expiring",
        "too many login attempts locked me out", "I want to update my personal details",
        "my date of birth is wrong in the profile", "how do I change communication preferences",
        "it says my email is not recognised", "I have duplicate accounts",
        "I need to transfer ownership of the workspace", "how does family sharing work",
        "where do I set parental controls", "the magic link does not sign me in",
        "someone else is using my login", "my [username|display name] shows the old one",
        "I need to verify my identity", "the captcha will not let me register",
        "my membership status shows inactive", "the password rules are confusing",
        "I was logged out on all devices", "how do I revoke access for an old phone",
        "my student status was not verified", "the referral link is tied to the wrong account",
    ],
    "product_question": [
        "does it support [USB-C|fast charging]", "is it compatible with [iPhone|Android]",
        "what are the dimensions", "do you have a size chart", "what colours does it come in",
        "what is the difference between the two models", "how long is the warranty",
        "what is it made of", "is it waterproof", "how much does it weigh",
        "how long does the battery last on a full charge", "which one would you recommend",
        "when will it be back in stock", "is a restock planned", "what features does the pro have",
        "is there a user manual", "where can I find the [specs|specifications]",
        "which accessories fit it", "how do I use the timer function",
        "are the instructions available in Spanish", "what are the ingredients",
        "is it dishwasher safe", "can you compare it with the older version",
        "do you offer gift wrapping", "is there a bundle with the case", "what is the capacity",
        "what voltage does it need", "does it come with a power adapter",
        "how should I clean it", "is assembly required", "what is included in the box",
        "is it certified for use in the EU", "is it eco friendly", "where is it manufactured",
        "is it safe for pets", "is it suitable for kids", "what is the range",
        "what is the screen resolution", "how much storage does it have",
        "can it be used outdoors", "is the strap replaceable", "does it work without an app",
        "is the fabric machine washable", "can it be wall mounted", "how loud is it",
        "does it fit a queen size bed", "is there a left handed version",
        "can I engrave it", "is the lid BPA free", "what is the maximum load",
    ],
}

FRAMES: list[str] = [
    "{cue}.", "{cue}, [what should I do|what now|any idea why]?", "Quick question: {cue}.",
    "[Hello|Hi|Hey] — {cue}.", "Since [yesterday|this morning|last week] {cue}.",
    "Can someone [look into|check] this: {cue}?", "I have an issue, {cue}.",
    "So basically {cue}.", "Not sure who to ask but {cue}.", "{cue} [again|once more].",
    "Writing because {cue}.", "Just wondering — {cue}?", "FYI {cue}.",
]

SECOND_TOPIC_FRAMES: list[str] = [
    "Also, {cue}.", "On a side note, {cue}.", "Unrelated but {cue}.", "And by the way {cue}.",
    "P.S. {cue}.", "Oh and {cue}, but that is less urgent.",
]

GREETINGS: list[str] = [
    "Hi,", "Hello,", "Hi there,", "Good morning,", "Dear support,", "Hey team,", "", "", "",
    "To whom it may concern,", "Hello support team,", "Good afternoon,",
]

FILLERS: list[str] = [
    "I have been a customer for [years|a long time|ages].", "This is my first time writing in.",
    "I tried [searching the FAQ|the help centre|restarting] already.",
    "I am [really|quite|a bit] frustrated.", "This is urgent for me.",
    "My [partner|colleague|friend] has the same thing.", "I hope this is the right place.",
    "It is the second time this [happens|happened].", "I am writing from my phone, sorry.",
    "Nothing in the help articles covers this.", "I already called but nobody answered.",
    "Let me know if you need more details.", "Screenshots attached.", "I am travelling this week.",
]

CLOSINGS: list[str] = [
    "Thanks!", "Thank you.", "Thanks in advance.", "Cheers,", "Kind regards,", "Best,",
    "Please help.", "Appreciate it.", "Many thanks,", "", "", "Regards,", "Thx",
]

NAMES: list[str] = [
    "Maria", "Tom", "Aisha", "Lukas", "Priya", "Jonas", "Chen", "Fatima", "Oliver", "Sofia",
    "Mateo", "Emma", "Kenji", "Noor", "Liam", "Ana", "Daniel", "Zoe", "Ibrahim", "Hannah",
    "Sven", "Lucia", "Omar", "Grace", "Pavel", "Yuki", "Carlos", "Ingrid", "Ravi", "Nina",
]

PRODUCTS: list[str] = [
    "AeroBlend 300", "Nimbus X2 headphones", "HomeHub Mini", "TrailFit watch",
    "PixelFrame tablet", "BrewMaster kettle", "SkyCam drone", "CozyNest blanket",
    "VoltGo scooter", "EchoBeam speaker", "LumaLamp", "AquaPure filter", "SnapPrint printer",
    "PulseBand tracker", "ZenSeat chair", "FlexDock station", "Orbit robot vacuum",
    "ChefPro knife set", "Glide keyboard", "Nova e-reader",
]

PRODUCT_FRAMES: list[str] = [
    "It is about the {product}.", "(the {product})", "This is regarding my {product}.",
    "Product: {product}.", "I have the {product}.",
]

ORDER_FRAMES: list[str] = [
    "Order #{num}.", "My order number is {num}.", "Ref {num}.", "(order {num})",
    "Order no. {num}.",
]
# fmt: on
