from textcheck.launch import main

main()
