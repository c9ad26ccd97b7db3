import sys

from lib03.cli import main

sys.exit(main())
