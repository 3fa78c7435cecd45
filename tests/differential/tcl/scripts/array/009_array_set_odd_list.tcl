array set a {1}
