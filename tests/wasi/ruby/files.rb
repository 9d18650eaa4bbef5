# Reads and writes files in the preopened /work with Ruby's standard library.
require "json"
require "csv"
require "digest"

lines = (1..1000).map { |i| "#{i},#{i * i},#{Digest::SHA256.hexdigest(i.to_s)[0, 8]}" }
File.write("/work/table.csv", "n,square,hash\n" + lines.join("\n") + "\n")
rows = CSV.read("/work/table.csv", headers: true)
summary = {
  "rows" => rows.size,
  "sum_of_squares" => rows.sum { |r| r["square"].to_i },
  "first_hash" => rows.first["hash"],
}
File.write("/work/summary.json", JSON.pretty_generate(summary))
Dir.mkdir("/work/out") unless Dir.exist?("/work/out")
File.open("/work/out/log.txt", "a") { |f| f.puts "ran at #{Time.now.year}" }
File.rename("/work/summary.json", "/work/out/summary.json")
puts "ruby #{RUBY_VERSION} (#{RUBY_PLATFORM})"
puts JSON.parse(File.read("/work/out/summary.json")).map { |k, v| "#{k}=#{v}" }.join(" ")
puts Dir.glob("/work/**/*").sort.map { |p| "#{p} #{File.size(p)}" }
begin
  File.read("/work/../etc/passwd")
rescue SystemCallError => e
  puts "escape refused: #{e.class}"
end
$stdout.flush
