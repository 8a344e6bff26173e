# placeholder, filled by the test programs
testprogs:
