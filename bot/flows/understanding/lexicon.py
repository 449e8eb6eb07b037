"""Words people use: yes, no, hedges, "don't know", ordinals, numbers.

Kept apart from the readers so a content reviewer can read (and extend) it as a list. All
entries are normalised (lower case, straight apostrophes).
"""

from __future__ import annotations

YES_WORDS = frozenset({
    "yes", "y", "yeah", "yep", "yup", "yea", "ya", "yas", "yess", "yesss", "ye", "sure", "correct",
    "ok", "okay", "k", "right", "true", "affirmative", "absolutely", "definitely", "indeed",
    "certainly", "exactly", "totally", "si", "oui", "ja", "aye", "uh huh", "mhm",
})
NO_WORDS = frozenset({"no", "n", "nope", "nah", "nay", "false", "negative", "never", "non", "nein", "noo", "nooo", "not really"})

#: Phrases meaning "no, it is not (fixed / the case)". Checked before the yes phrases because
#: several contain one ("not working" contains "working").
NO_PHRASES = (
    "not really", "still broken", "still not", "still the same", "still happening", "still failing",
    "still doesn't", "still does not", "still dont", "still don't", "still can't", "still cant",
    "still cannot", "still no", "still getting", "still having", "still down", "still dead", "still off",
    "still black", "still blank", "still stuck", "still slow", "still dropping", "still freezing",
    "didn't work", "did not work", "doesn't work", "does not work", "didnt work", "doesnt work",
    "not working", "isn't working", "isnt working", "not fixed", "no luck", "no change", "same problem",
    "same issue", "same thing", "same error", "it didn't", "it did not", "not sorted", "not solved",
    "not resolved", "nothing changed", "no difference", "didn't help", "did not help", "didnt help",
    "doesn't help", "no joy", "no dice", "worse", "nothing", "not at all", "afraid not", "sadly not",
    "unfortunately not", "no still", "no it's not", "no its not", "no it isn't", "it's not working",
    "broken", "can't connect", "cant connect", "cannot connect", "can't log in", "cant log in",
    "can't get in", "cant get in", "can't print", "cant print", "keeps crashing", "keeps dropping",
    "same as before", "no good", "didn't fix", "didnt fix", "did not fix", "hasn't", "hasnt",
    "not back", "not online", "nope", "only me", "just me", "only mine", "nobody else", "no one else",
    "noone else", "just mine",
)
YES_PHRASES = (
    "it worked", "that worked", "worked", "it works", "works now", "that fixed it", "fixed it",
    "fixed", "all good", "sorted", "it's working", "its working", "working now", "working again",
    "that did it", "did the trick", "yes it did", "solved", "resolved", "of course", "sounds good",
    "back online", "back up", "i'm in", "im in", "i'm back", "got in", "perfect", "brilliant",
    "awesome", "great", "excellent", "it's fine now", "fine now", "all set", "good now", "yes please",
    "i do", "it is", "they are", "i have", "i did", "we are", "that's right", "thats right",
    "that's it", "you got it", "ok now", "okay now", "seems ok", "seems okay", "seems fine",
    "seems to work", "seems to be working", "looks good", "looks ok", "looks fine", "up and running",
)

#: Hedges: never "yes". Partly = some of it works.
PARTLY_PHRASES = (
    "partly", "partially", "sort of", "sorta", "kind of", "kinda", "somewhat", "half", "halfway",
    "a bit", "a little", "bit better", "little better", "slightly", "some of it", "some of them",
    "not completely", "not entirely", "not fully", "not totally", "not quite", "not 100",
    "mostly", "better but", "yes but", "yeah but", "yes and no", "kind of but", "in part",
    "more or less", "ish", "one of", "only one", "only some", "only partly", "but the other",
    "but not", "but still", "improved", "better now but", "only one", "one works", "one of them works",
    "sometimes", "on and off", "intermittent", "hit and miss",
    "a bit better", "slightly better", "some things", "one of them", "one of the",
)
#: Not yet: they have not tried (or finished) it.
NOT_YET_PHRASES = (
    "not yet", "haven't tried", "havent tried", "have not tried", "didn't try", "didnt try",
    "not tried", "haven't done", "havent done", "haven't had a chance", "not had a chance",
    "haven't got", "still trying", "still restarting", "still rebooting", "still updating",
    "still installing", "still waiting", "not done yet", "yet to try",
)
#: Wait: they are doing it now.
WAIT_PHRASES = (
    "give me a sec", "give me a second", "give me a minute", "give me a moment", "gimme a sec",
    "one sec", "one second", "a sec", "a second", "a minute", "a moment", "a mo", "one moment",
    "one min", "just a sec", "just a min", "hang on", "hold on", "wait a sec", "wait a min",
    "wait a moment", "please wait", "wait please", "brb", "let me try",
    "lemme try", "let me check", "lemme check", "let me see", "i'll try", "ill try", "will try",
    "going to try", "gonna try", "trying now", "trying it now", "doing it now", "doing that now",
    "restarting now", "rebooting now", "on it", "checking now", "let me do", "i'll check",
    "ill check", "will check", "let me restart", "restarting", "rebooting", "i'll do that",
    "ill do that", "i will", "will do", "in a minute", "in a sec", "just a moment", "one moment",
    "heading over", "walking over", "going over", "going to check", "will let you know",
    "i'll let you know", "let you know",
)
#: "Don't know" that is never yes or no (checked before the no phrases: "can't tell").
UNSURE_STRONG = (
    "not sure", "unsure", "don't know", "dont know", "do not know", "dunno", "idk", "no idea",
    "no clue", "not certain", "can't tell", "cant tell", "can't remember", "cant remember",
    "don't remember", "dont remember", "not a clue", "who knows", "haven't a clue", "hard to say",
    "no clue", "couldn't tell", "not too sure", "no idea tbh", "hard to tell", "too early to tell",
    "can't say", "cant say",
)
UNSURE_PHRASES = (
    "not sure", "unsure", "don't know", "dont know", "do not know", "dunno", "idk", "no idea",
    "no clue", "not certain", "can't tell", "cant tell", "can't remember", "cant remember",
    "don't remember", "dont remember", "i forget", "forgot", "maybe", "perhaps", "possibly",
    "not a clue", "who knows", "no clue", "haven't a clue", "hard to say", "i guess", "i think so",
    "probably",
)

ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "top": 1,
    "second": 2, "2nd": 2, "two": 2, "middle": 2,
    "third": 3, "3rd": 3, "three": 3,
    "fourth": 4, "4th": 4, "four": 4,
    "fifth": 5, "5th": 5, "five": 5,
    "sixth": 6, "6th": 6, "six": 6,
    "seventh": 7, "7th": 7, "seven": 7,
    "eighth": 8, "8th": 8, "eight": 8,
}
LAST_WORDS = ("last", "bottom", "final")

NUMBER_WORDS = {
    "zero": 0, "none": 0, "one": 1, "a single": 1, "just me": 1, "only me": 1, "two": 2, "couple": 2,
    "a couple": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "dozen": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100,
}

#: Words ignored when matching the words of option labels against a reply.
STOPWORDS = frozenset({
    "a", "an", "the", "or", "and", "of", "it", "its", "it's", "is", "in", "on", "at", "my", "i",
    "to", "for", "with", "but", "not", "no", "one", "ones", "other", "something", "else", "this",
    "that", "there", "these", "those", "me", "we", "you", "your", "our", "be", "am", "are", "was",
    "has", "have", "had", "do", "does", "did", "can", "can't", "cant", "won't", "wont", "get",
    "got", "from", "by", "as", "so", "just", "think", "guess", "im", "i'm", "etc", "any", "all",
    "only", "when", "what", "where", "which", "how", "why", "who", "then", "than",
    "some", "like", "yes", "yeah", "ok", "okay", "still", "also", "very", "really", "please",
    "thanks", "thing", "stuff", "use", "using", "new", "own", "way", "now", "keeps", "keep",
    "stopped", "working", "work", "problem", "issue", "device", "option", "button",
})
