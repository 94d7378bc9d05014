from vaultsync.drivers.cli import main

main()
