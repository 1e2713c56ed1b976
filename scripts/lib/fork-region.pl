#!/usr/bin/env perl
# The text work of scripts/fork-region.sh (names, packages, the copy's rewrite, the poms), one
# command per job; the shell script checks arguments, makes the copy and reports:
#
#   fork-region.pl camel ap-south                         apSouth
#   fork-region.pl pascal ap-south                        ApSouth
#   fork-region.pl common-package < package lines         the root package the lines share
#   fork-region.pl fork-package PKG OLD NEW               PKG with segment OLD replaced by NEW
#   fork-region.pl rewrite < NUL-separated paths          renames and rewrites the copy (FORK_* variables)
#   fork-region.pl register-module POM FROM TO            POM with <module>TO</module> after FROM's
#   fork-region.pl add-test-dependency POM FROM TO        POM with a test dependency on TO after FROM's
#
# Results go to stdout; a refusal is one line on stderr and a non-zero exit.
use strict;
use warnings;

sub camel { my ($name) = @_; $name =~ s/-([a-z0-9])/\u$1/g; print $name }    # ap-south -> apSouth

sub pascal { my ($name) = @_; $name =~ s/-([a-z0-9])/\u$1/g; print ucfirst $name }    # ap-south -> ApSouth

# The longest package prefix shared by every "package ...;" line on stdin.
sub common_package {
  my $common;
  while (my $line = <STDIN>) {
    $line =~ s/^\s*package\s+//;
    $line =~ s/\s*;.*//s;
    my @segments = split /\./, $line;
    if (!defined $common) { $common = [@segments]; next }
    my $i = 0;
    $i++ while $i < @$common && $i < @segments && $common->[$i] eq $segments[$i];
    splice @$common, $i;
  }
  print join '.', @{ $common || [] };
}

# io.xcluster.region.euwest.fulfillment, euwest, apsouth -> io.xcluster.region.apsouth.fulfillment;
# a package without the old segment gets the new one after its second segment.
sub fork_package {
  my ($pkg, $old, $new) = @_;
  my @segments = split /\./, $pkg;
  my $done = 0;
  for (@segments) { if ($_ eq $old) { $_ = $new; $done = 1 } }
  splice @segments, (@segments >= 3 ? 2 : scalar @segments), 0, $new unless $done;
  print join '.', @segments;
}

# ---------------------------------------------------------------- rewrite: the copy of the module

my %e;    # the FORK_* variables, without the prefix
my ($src_path, $new_path);

sub class_names {    # fully qualified names and resource paths: everywhere, histories included
  my ($t) = @_;
  my $n = 0;
  $n += ($$t =~ s/(?<![\w.])\Q$e{SRC_PKG}\E(?!\w)/$e{NEW_PKG}/g);
  $n += ($$t =~ s{(?<![\w/])\Q$src_path\E(?!\w)}{$new_path}g);
  return $n;
}
sub region_names {    # the module, cluster and identifiers named after the region
  my ($t) = @_;
  my $n = 0;
  $n += ($$t =~ s/(?<![\w-])\Q$e{SRC_MODULE}\E(?![\w-])/$e{NEW_MODULE}/g);
  $n += ($$t =~ s/(?<![A-Za-z0-9])\Q$e{SRC_REGION}\E(?![A-Za-z0-9])/$e{NEW_REGION}/g);
  $n += ($$t =~ s/(?<![A-Za-z0-9])\Q$e{SRC_UPPER}\E(?![A-Za-z0-9])/$e{NEW_UPPER}/g);
  $n += ($$t =~ s/(?<![A-Za-z0-9])\Q$e{SRC_CAMEL}\E(?![a-z0-9])/$e{NEW_CAMEL}/g);
  $n += ($$t =~ s/(?<![A-Z0-9])\Q$e{SRC_PASCAL}\E(?![a-z0-9])/$e{NEW_PASCAL}/g);
  return $n;
}
sub queue_names {    # the task queue: its constant, and where comments and docs call it a queue
  my ($t) = @_;
  return 0 unless length $e{OLD_QUEUE};
  my ($old, $new, $n) = ($e{OLD_QUEUE}, $e{NEW_QUEUE}, 0);
  $n += ($$t =~ s/(TASK_QUEUE\s*=\s*")\Q$old\E(")/$1$new$2/g);
  $n += ($$t =~ s/(\{\@code\s+)\Q$old\E(\}\s+(?:task\s+)?queue)/$1$new$2/g);
  $n += ($$t =~ s/(queue\s+`)\Q$old\E(`)/$1$new$2/g);
  $n += ($$t =~ s/(`)\Q$old\E(`\s+(?:task\s+)?queue)/$1$new$2/g);
  return $n;
}

# Renames files and directories, rewrites text files; prints "R<TAB>old<TAB>new",
# "W<TAB>file<TAB>count", and "C<TAB>file:line: text" for lines to check by hand.
sub rewrite {
  %e = map { $_ => $ENV{"FORK_$_"} } qw(SRC_PKG NEW_PKG SRC_MODULE NEW_MODULE SRC_REGION NEW_REGION SRC_UPPER
    NEW_UPPER SRC_CAMEL NEW_CAMEL SRC_PASCAL NEW_PASCAL SRC_ABBREV OLD_QUEUE NEW_QUEUE STAGE);
  ($src_path = $e{SRC_PKG}) =~ tr{.}{/};
  ($new_path = $e{NEW_PKG}) =~ tr{.}{/};
  my @paths = do { local $/ = "\0"; map { chomp; $_ } <STDIN> };
  # deepest first, so a renamed directory never hides a path below it
  for my $path (sort { length($b) <=> length($a) } @paths) {
    my ($dir, $base) = $path =~ m{^(.*)/([^/]+)$} or next;
    my $renamed = $base;
    class_names(\$renamed);
    region_names(\$renamed);
    next if $renamed eq $base;
    die "cannot rename $path: $dir/$renamed exists\n" if -e "$dir/$renamed";
    rename $path, "$dir/$renamed" or die "cannot rename $path: $!\n";
    (my $old = $path) =~ s{^\Q$e{STAGE}\E/}{};
    (my $new = "$dir/$renamed") =~ s{^\Q$e{STAGE}\E/}{};
    print "R\t$old\t$new\n";
  }

  my @files;
  my @todo = ($e{STAGE});
  while (my $d = shift @todo) {
    opendir my $h, $d or die "cannot list $d: $!\n";
    for my $name (sort grep { $_ ne "." && $_ ne ".." } readdir $h) {
      my $p = "$d/$name";
      if (-d $p && !-l $p) { push @todo, $p } elsif (-f $p) { push @files, $p }
    }
  }
  for my $file (sort @files) {
    next unless -T $file || -z $file;
    (my $rel = $file) =~ s{^\Q$e{STAGE}\E/}{};
    open my $in, "<:raw", $file or die "cannot read $file: $!\n";
    my $text = do { local $/; <$in> };
    close $in;
    my $n = class_names(\$text);
    if ($rel !~ m{(^|/)histories/}) {    # recorded histories are facts: only class names change there
      $n += queue_names(\$text);
      $n += region_names(\$text);
    }
    if ($rel eq "pom.xml") {
      my $before = $text;
      $text =~ s{(</parent>.*?<artifactId>)[^<]*(</artifactId>)}{$1$e{NEW_MODULE}$2}s;    # even if it differed from the directory
      $n++ if $text ne $before;
      if ($text =~ m{<description>(.*?)</description>}s) {
        $n += ($text =~ s{<description>}{<description>$e{NEW_REGION} region (forked from $e{SRC_MODULE}): }) unless $1 =~ /\Q$e{NEW_REGION}\E/;
      } else {
        $n += ($text =~ s{(</parent>.*?</artifactId>\n)}{$1  <description>$e{NEW_REGION} region, forked from $e{SRC_MODULE}.</description>\n}s);
      }
    }
    if ($n) {
      open my $out, ">:raw", $file or die "cannot write $file: $!\n";
      print $out $text;
      close $out or die "cannot write $file: $!\n";
      print "W\t$rel\t$n\n";
    }
    next if $rel =~ m{(^|/)histories/};
    my $line = 0;
    for (split /\n/, $text) {
      $line++;
      my $hit = /\Q$e{SRC_PKG}\E(?!\w)/
        || /(?<![A-Za-z0-9])\Q$e{SRC_ABBREV}\E(?![A-Za-z0-9])/
        || /\Q$e{SRC_REGION}\E|\Q$e{SRC_CAMEL}\E|\Q$e{SRC_PASCAL}\E|\Q$e{SRC_UPPER}\E/i
        || (length $e{OLD_QUEUE} && /"\Q$e{OLD_QUEUE}\E"/);
      next unless $hit;
      (my $shown = $_) =~ s/^\s+//;
      $shown = substr($shown, 0, 110) . " ..." if length $shown > 114;
      print "C\t$rel:$line: $shown\n";
    }
  }
}

# ---------------------------------------------------------------- the poms outside the copy

sub read_file {
  my ($file) = @_;
  open my $in, '<:raw', $file or die "fork-region: cannot read $file: $!\n";
  local $/;
  return scalar <$in>;
}

# The root pom: the new module right after the one it was forked from.
sub register_module {
  my ($pom_file, $from, $to) = @_;
  my $pom = read_file($pom_file);
  $pom =~ s{^([ \t]*)<module>\Q$from\E</module>[ \t]*\r?\n}{$&$1<module>$to</module>\n}m
    or $pom =~ s{<module>\Q$from\E</module>}{$&<module>$to</module>}
    or die "fork-region: no <module>$from</module> in $pom_file\n";
  print $pom;
}

# architecture-tests' pom: the fork as a test dependency (right after the module it was forked
# from, or last), so the ArchUnit rules analyse its classes.
sub add_test_dependency {
  my ($pom_file, $from, $to) = @_;
  my $pom = read_file($pom_file);
  my ($before, $dependencies, $after) = $pom =~ m{\A(.*?</parent>.*?<dependencies>)(.*?)(\n[ \t]*</dependencies>.*)\z}s
    or die "fork-region: $pom_file has no <dependencies> to add $to to\n";
  # already there (a fork made again after its module was removed): the pom stays as it is
  if ($dependencies =~ m{<artifactId>\Q$to\E</artifactId>}) { print $pom; return }
  my $entry = "\n    <dependency>\n      <groupId>\${project.groupId}</groupId>\n      <artifactId>$to</artifactId>\n"
    . "      <version>\${project.version}</version>\n      <scope>test</scope>\n    </dependency>";
  $dependencies =~ s{(\n[ \t]*<dependency>(?:(?!</dependency>).)*?<artifactId>\Q$from\E</artifactId>.*?</dependency>)}{$1$entry}s
    or $dependencies .= $entry;
  print $before, $dependencies, $after;
}

# ---------------------------------------------------------------- the command

my %commands = (
  'camel' => \&camel,
  'pascal' => \&pascal,
  'common-package' => \&common_package,
  'fork-package' => \&fork_package,
  'rewrite' => \&rewrite,
  'register-module' => \&register_module,
  'add-test-dependency' => \&add_test_dependency,
);
my $command = shift @ARGV // '';
my $run = $commands{$command}
  or die "fork-region: fork-region.pl has no command '$command' (" . join(', ', sort keys %commands) . ")\n";
$run->(@ARGV);
exit 0;

