from bundlesmith.cli import main

main()
