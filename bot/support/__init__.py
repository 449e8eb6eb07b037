"""What a support chat needs besides flows: teams' response targets and contact details
(:mod:`bot.support.teams`), when a reply can be expected (:mod:`bot.support.eta`), other teams'
directory for questions that are not IT's (:mod:`bot.support.other_teams`) and phone numbers
(:mod:`bot.support.phone`)."""
