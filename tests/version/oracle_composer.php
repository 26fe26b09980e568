<?php
// tests/version/oracle_composer.php - Composer's ordering as a differential
// test oracle: composer/semver's VersionParser::normalize() (Debian
// php-composer-semver) then version_compare(), which is what Composer's
// Comparator does for versions that are not branches. Reads "A<TAB>B" lines,
// prints -1, 0, 1, or "error" when normalize() rejects a version or yields a
// branch name ("dev-..."), which has no order.
require '/usr/share/php/Composer/Semver/autoload.php';

use Composer\Semver\VersionParser;

$parser = new VersionParser();
$norm = function ($v) use ($parser) {
    $n = $parser->normalize($v);
    if (strncmp($n, 'dev-', 4) === 0) {
        throw new UnexpectedValueException('branch');
    }
    return $n;
};
$out = '';
while (($line = fgets(STDIN)) !== false) {
    $line = rtrim($line, "\n");
    $parts = explode("\t", $line, 2);
    try {
        if (count($parts) != 2) {
            throw new UnexpectedValueException('no tab');
        }
        $out .= version_compare($norm($parts[0]), $norm($parts[1])) . "\n";
    } catch (UnexpectedValueException $e) {
        $out .= "error\n";
    }
}
echo $out;
