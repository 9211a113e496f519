class Production:
    TITLE = "from a class"
    COLOUR = "blue"
    lower_case = "ignored"
