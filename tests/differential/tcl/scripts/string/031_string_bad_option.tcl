string foo bar
