from textcheck.cli import main

main()
