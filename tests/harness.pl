#!/usr/bin/perl
# majlis test-suite runner on TAP::Harness (core Perl).
#
# Usage:
#   perl tests/harness.pl [OPTIONS] [TEST...] [--group NAME [ENV=VAL...] -- TEST...]...
#
# A TEST is one of
#   PATH          an executable that prints TAP (a C test binary, a script with a
#                 shebang). A non-executable file with a "#!" first line is run
#                 through that interpreter.
#   NAME=COMMAND  a shell command (/bin/sh -c COMMAND) that prints TAP, reported as
#                 NAME. An argument that names an existing file is always a PATH.
#
# Groups run the same files under different settings, e.g. the unit tests of
# the normal build and of the sanitizer build, or the API tests against either
# server binary:
#
#   perl tests/harness.pl --jobs 4 \
#     --group unit -- build/tests/test_* \
#     --group asan ASAN_OPTIONS=detect_leaks=1 -- build-asan/tests/test_* \
#     --group api -- tests/api/*.t \
#     --group api-asan MAJLIS_BUILD=build-asan -- tests/api/*.t
#
# "--group NAME ENV=VAL... --" starts a group: every TEST after the "--" up to the
# next --group belongs to it, runs with those variables added to its environment,
# and is reported as NAME/TEST. Ungrouped TESTs must come before the first --group.
# The same file may appear in several groups: each run is a separate TAP::Harness
# test (a unique key, with a [key, alias] pair naming it NAME/TEST).
#
# Options:
#   --jobs N, -j N    run N tests in parallel (default 1)
#   --timeout S       kill a test that runs longer than S seconds (default 900,
#                     0 = no limit); a killed test fails
#   --verbose, -v     print every TAP line
#   --merge           merge each test's stderr into its TAP stream (hidden unless
#                     --verbose; by default stderr passes through to the terminal)
#   --help
#
# Output: TAP::Harness's usual report, then the names of the failing tests (one
# "FAILED: NAME" line each), and as the very last line
#   N passed, N failed
# where N counts test FILES (programs) across all groups: a file passes when all
# of its assertions pass (TODO failures excepted), its plan matches and it exits 0.
# Exit status: 0 when nothing failed (and at least one test ran), 1 otherwise,
# 2 on a usage error.
use strict;
use warnings;
use Cwd qw(getcwd);
use File::Spec;
use Getopt::Long qw(:config no_ignore_case require_order pass_through);
use TAP::Harness;

my %opt = (jobs => 1, timeout => 900, verbose => 0, merge => 0);

sub usage {
	my ($code) = @_;
	open(my $in, '<', __FILE__) or die;
	while (<$in>) {
		last unless /^#/;
		next if /^#!/;
		s/^# ?//;
		print;
	}
	exit $code;
}

sub usage_error {
	print STDERR "harness: $_[0] (see --help)\n";
	exit 2;
}

# Parse options first (they may be anywhere before the first test), then walk the
# rest by hand for groups.
my @args = @ARGV;
my @rest;
while (@args) {
	my $a = shift @args;
	if ($a eq '--jobs' || $a eq '-j') { $opt{jobs} = shift @args // usage(2) }
	elsif ($a =~ /^(?:--jobs=|-j)(\d+)$/) { $opt{jobs} = $1 }
	elsif ($a eq '--timeout') { $opt{timeout} = shift @args // usage(2) }
	elsif ($a =~ /^--timeout=(\d+)$/) { $opt{timeout} = $1 }
	elsif ($a eq '--verbose' || $a eq '-v') { $opt{verbose} = 1 }
	elsif ($a eq '--merge') { $opt{merge} = 1 }
	elsif ($a eq '--help' || $a eq '-h') { usage(0) }
	else { push @rest, $a }
}
usage(2) unless $opt{jobs} =~ /^\d+$/ && $opt{jobs} >= 1 && $opt{timeout} =~ /^\d+$/;

# Each run: {key, alias, cmd => [...], env => {...}}
my @runs;
my %seen_alias;
my $group;    # {name, env}

sub add_test {
	my ($spec, $g) = @_;
	my ($name, @cmd);
	if (-e $spec || $spec !~ /^([A-Za-z0-9_.\/:+-]+)=(.+)$/s) {
		$name = $spec;
		my $path = $spec =~ m{/} ? $spec : "./$spec";
		if (!-e $spec) {
			@cmd = ('/bin/sh', '-c', 'printf "1..1\nnot ok 1 - test file not found: %s\n" "$1"; exit 1', 'sh', $spec);
		} elsif (-d $spec) {
			@cmd = ('/bin/sh', '-c', 'printf "1..1\nnot ok 1 - is a directory: %s\n" "$1"; exit 1', 'sh', $spec);
		} elsif (-x $spec) {
			@cmd = ($path);
		} else {
			open(my $fh, '<', $spec) or die "cannot read $spec: $!\n";
			my $first = <$fh> // '';
			close $fh;
			if ($first =~ /^#!\s*(\S+)(?:\s+(.*?))?\s*$/) {
				@cmd = ($1, (defined $2 && length $2 ? ($2) : ()), $path);
			} else {
				@cmd = ('/bin/sh', '-c', 'printf "1..1\nnot ok 1 - not executable and no #! line: %s\n" "$1"; exit 1', 'sh', $spec);
			}
		}
	} else {
		$name = $1;
		@cmd = ('/bin/sh', '-c', $2);
	}
	my $alias = defined $g ? "$g->{name}/$name" : $name;
	if ($seen_alias{$alias}++) {
		$alias .= " (run $seen_alias{$alias})";
	}
	push @runs, {
		key   => sprintf('#%d', scalar @runs),
		alias => $alias,
		cmd   => \@cmd,
		env   => defined $g ? $g->{env} : {},
	};
}

while (@rest) {
	my $a = shift @rest;
	if ($a eq '--group') {
		my $name = shift @rest;
		usage_error("--group needs a NAME") unless defined $name && length $name && $name !~ /^--/;
		my %env;
		while (@rest && $rest[0] ne '--') {
			my $kv = shift @rest;
			usage_error("in --group $name expected ENV=VAL or --, got '$kv'")
			  unless $kv =~ /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
			$env{$1} = $2;
		}
		usage_error("--group $name needs '--' before its tests") unless @rest && $rest[0] eq '--';
		shift @rest;
		$group = {name => $name, env => \%env};
	} elsif ($a eq '--') {
		next;
	} else {
		add_test($a, $group);
	}
}

if (!@runs) {
	print STDERR "harness: no tests given (see --help)\n";
	print "0 passed, 0 failed\n";
	exit 1;
}

my %by_key = map { $_->{key} => $_ } @runs;
my $have_timeout = $opt{timeout} > 0 && -x '/usr/bin/timeout';

my $harness = TAP::Harness->new({
	jobs      => $opt{jobs},
	verbosity => $opt{verbose} ? 1 : 0,
	merge     => $opt{merge},
	color     => (-t STDOUT ? 1 : 0),
	exec      => sub {
		my ($h, $key) = @_;
		my $r = $by_key{$key} or die "harness: unknown test key $key\n";
		my @env = map { "$_=$r->{env}{$_}" } sort keys %{$r->{env}};
		my @cmd = ('/usr/bin/env', @env, @{$r->{cmd}});
		# --kill-after: a test that ignores SIGTERM is killed 10 s later.
		unshift @cmd, '/usr/bin/timeout', '--kill-after=10', $opt{timeout} if $have_timeout;
		return \@cmd;
	},
});

my $agg = $harness->runtests(map { [$_->{key}, $_->{alias}] } @runs);

my ($passed, $failed) = (0, 0);
my @failed_names;
for my $r (@runs) {
	my ($parser) = $agg->parsers($r->{alias});
	my $bad = !$parser || $parser->has_problems || !$parser->tests_run && !$parser->skip_all;
	if ($bad) {
		$failed++;
		my $why = '';
		if ($parser) {
			my @w;
			push @w, scalar($parser->failed) . ' failed' if $parser->failed;
			push @w, 'exit ' . $parser->exit if $parser->exit;
			push @w, 'signal ' . ($parser->wait & 127) if $parser->wait & 127;
			push @w, 'killed after timeout' if $have_timeout && $parser->exit == 124;
			push @w, 'bad plan' if $parser->parse_errors;
			push @w, 'no tests' if !$parser->tests_run && !$parser->skip_all;
			$why = ' (' . join(', ', @w) . ')' if @w;
		}
		push @failed_names, "$r->{alias}$why";
	} else {
		$passed++;
	}
}
print "FAILED: $_\n" for @failed_names;
print "$passed passed, $failed failed\n";
exit($failed ? 1 : 0);
