# tests/version/oracle_rubygems.rb - Ruby's Gem::Version as a differential
# test oracle: reads "A<TAB>B" lines, prints -1, 0, 1, or "error" when
# Gem::Version rejects a version.
$stdout.sync = false
STDIN.binmode
STDIN.each_line do |line|
  a, b = line.chomp("\n").split("\t", 2)
  begin
    raise ArgumentError, "no tab" if b.nil?
    a.force_encoding("UTF-8")
    b.force_encoding("UTF-8")
    puts(Gem::Version.new(a) <=> Gem::Version.new(b))
  rescue ArgumentError, Encoding::CompatibilityError
    puts "error"
  end
end
