# The Autobahn|Testsuite's fuzzing server (Python 2.7), bound to 127.0.0.1: the suite itself
# listens on every interface and offers no option to change it, so its reactor's listenTCP is
# given loopback as the default interface before wstest starts.
#
#   python2 scripts/lib/autobahn_server.py -m fuzzingserver -s SPEC -u 0
import sys

from twisted.internet import reactor

_listen_tcp = reactor.listenTCP


def listen_on_loopback(port, factory, backlog=50, interface=''):
    return _listen_tcp(port, factory, backlog, interface or '127.0.0.1')


reactor.listenTCP = listen_on_loopback

from autobahntestsuite.wstest import run  # noqa: E402  (after the patch, which it must see)

sys.argv[0] = 'wstest'
sys.exit(run())
