# tests/score/oracle-ruby.rb VECTORS - scores each v2/v3.x vector with Debian's
# ruby-cvss-suite and prints "vector<TAB>base" (v4.0 lines are skipped: the
# packaged version does not implement it).
require "cvss_suite"
File.foreach(ARGV[0]) do |line|
  v = line.strip
  next if v.empty? || v.start_with?("#") || v.start_with?("CVSS:4.0/")
  c = CvssSuite.new(v)
  raise "ruby-cvss-suite rejects '#{v}'" unless c.valid?
  printf("%s\t%.1f\n", v, c.base_score)
end
