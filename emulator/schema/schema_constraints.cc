#include "emulator/schema/schema_constraints.h"

#include <cmath>
#include <memory>
#include <regex>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>

#include "emulator/schema/schema_formats.h"
#include "emulator/schema/schema_regex.h"
#include "emulator/schema/schema_stack.h"

namespace eventfabric::schema::detail {
namespace {

using valijson::ValidationResults;
using valijson::adapters::Adapter;
using valijson::constraints::Constraint;
using valijson::constraints::PolyConstraint;
using context_t = std::vector<std::string>;

enum type_bit : unsigned {
  t_null = 1,
  t_boolean = 2,
  t_object = 4,
  t_array = 8,
  t_number = 16,
  t_string = 32,
  t_integer = 64,
};

unsigned type_bit_of(const std::string& name) {
  if (name == "null") return t_null;
  if (name == "boolean") return t_boolean;
  if (name == "object") return t_object;
  if (name == "array") return t_array;
  if (name == "number") return t_number;
  if (name == "string") return t_string;
  if (name == "integer") return t_integer;
  return 0;
}

bool is_integral(const Adapter& v) {
  if (v.isInteger()) return true;
  double d = 0;
  return v.isDouble() && v.getDouble(d) && std::isfinite(d) && std::floor(d) == d;
}

class type_constraint final : public PolyConstraint {
 public:
  type_constraint(unsigned mask, std::string names) : mask_(mask), names_(std::move(names)) {}
  bool validate(const Adapter& v, const context_t& context, ValidationResults* results) const override {
    const bool ok = ((mask_ & t_null) && v.isNull()) || ((mask_ & t_boolean) && v.isBool()) ||
                    ((mask_ & t_object) && v.isObject()) || ((mask_ & t_array) && v.isArray()) ||
                    ((mask_ & t_number) && v.isNumber()) || ((mask_ & t_string) && v.isString()) ||
                    ((mask_ & t_integer) && is_integral(v));
    if (!ok && results) results->pushError(context, "[type] Expected " + names_ + ".");
    return ok;
  }

 private:
  Constraint* cloneInto(void* p) const override { return new (p) type_constraint(*this); }
  size_t sizeOf() const override { return sizeof(type_constraint); }
  unsigned mask_;
  std::string names_;
};

class format_constraint final : public PolyConstraint {
 public:
  explicit format_constraint(std::string format) : format_(std::move(format)) {}
  bool validate(const Adapter& v, const context_t& context, ValidationResults* results) const override {
    std::string s;
    if (!v.isString() || !v.getString(s) || check_format(format_, s)) return true;
    if (results) results->pushError(context, "[format] String is not a valid " + format_ + ".");
    return false;
  }

 private:
  Constraint* cloneInto(void* p) const override { return new (p) format_constraint(*this); }
  size_t sizeOf() const override { return sizeof(format_constraint); }
  std::string format_;
};

class multiple_of_constraint final : public PolyConstraint {
 public:
  explicit multiple_of_constraint(double divisor, bool integral) : divisor_(divisor), integral_(integral) {}
  bool validate(const Adapter& v, const context_t& context, ValidationResults* results) const override {
    if (!v.isNumber() || is_multiple(v)) return true;
    if (results) results->pushError(context, "[multipleOf] Value is not a multiple of " + text() + ".");
    return false;
  }

 private:
  bool is_multiple(const Adapter& v) const {
    int64_t i = 0;
    if (integral_ && v.isInteger() && v.getInteger(i)) return i % static_cast<int64_t>(divisor_) == 0;
    double d = 0;
    if (v.isInteger() && v.getInteger(i))
      d = static_cast<double>(i);
    else if (!v.getDouble(d))
      return true;
    const double q = d / divisor_;
    if (!std::isfinite(q)) return false;
    // Beyond 2^53 every double is an integer; below, allow rounding noise of the division.
    return std::fabs(q) >= 9007199254740992.0 ||
           std::fabs(q - std::nearbyint(q)) <= 1e-9 * std::max(1.0, std::fabs(q));
  }
  std::string text() const {
    std::string s = std::to_string(divisor_);
    while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) s.pop_back();
    return s;
  }
  Constraint* cloneInto(void* p) const override { return new (p) multiple_of_constraint(*this); }
  size_t sizeOf() const override { return sizeof(multiple_of_constraint); }
  double divisor_;
  bool integral_;
};

// The pattern is compiled once, with the schema, and shared by copies:
// fast_regex when it supports the pattern, else std::regex (matching with a
// const std::regex is thread-safe).
class pattern_constraint final : public PolyConstraint {
 public:
  explicit pattern_constraint(const std::string& pattern)
      : pattern_(pattern), fast_(fast_regex::compile(pattern)) {
    if (!fast_) regex_ = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  }
  bool validate(const Adapter& v, const context_t& context, ValidationResults* results) const override {
    std::string s;
    if (!v.isString() || !v.getString(s)) return true;
    if (s.size() > max_regex_bytes) {
      if (results)
        results->pushError(context, "[pattern] A string of " + std::to_string(s.size()) +
                                        " bytes is too long to match against a pattern (limit " +
                                        std::to_string(max_regex_bytes) + ").");
      return false;
    }
    bool matched = false;
    if (s.size() <= inline_regex_bytes)
      matched = matches(s);
    else
      run_with_stack(regex_stack_bytes(s.size()), [&]() { matched = matches(s); });
    if (!matched && results)
      results->pushError(context, "[pattern] String does not match pattern " + pattern_ + ".");
    return matched;
  }

 private:
  bool matches(const std::string& s) const {
    return fast_ ? fast_->search(s) : std::regex_search(s, *regex_);
  }
  Constraint* cloneInto(void* p) const override { return new (p) pattern_constraint(*this); }
  size_t sizeOf() const override { return sizeof(pattern_constraint); }
  std::string pattern_;
  std::optional<fast_regex> fast_;
  std::shared_ptr<const std::regex> regex_;
};

class pattern_builder final : public valijson::ConstraintBuilder {
 public:
  Constraint* make(const Adapter& value) const override { return new pattern_constraint(value.getString()); }
};

class type_builder final : public valijson::ConstraintBuilder {
 public:
  Constraint* make(const Adapter& value) const override {
    unsigned mask = 0;
    std::string names;
    auto add = [&](const Adapter& n) {
      const std::string name = n.getString();
      mask |= type_bit_of(name);
      names += (names.empty() ? "" : " or ") + name;
    };
    if (value.isArray())
      value.applyToArray([&](const Adapter& n) {
        add(n);
        return true;
      });
    else
      add(value);
    return new type_constraint(mask, names);
  }
};

class format_builder final : public valijson::ConstraintBuilder {
 public:
  Constraint* make(const Adapter& value) const override { return new format_constraint(value.getString()); }
};

class multiple_of_builder final : public valijson::ConstraintBuilder {
 public:
  Constraint* make(const Adapter& value) const override {
    int64_t i = 0;
    if (value.isInteger() && value.getInteger(i) && i > 0)
      return new multiple_of_constraint(static_cast<double>(i), true);
    return new multiple_of_constraint(value.getNumber(), false);
  }
};

}  // namespace

void register_constraints(valijson::SchemaParser& parser) {
  parser.addConstraintBuilder("$ef_type", new type_builder);
  parser.addConstraintBuilder("$ef_format", new format_builder);
  parser.addConstraintBuilder("$ef_multipleOf", new multiple_of_builder);
  parser.addConstraintBuilder("$ef_pattern", new pattern_builder);
}

}  // namespace eventfabric::schema::detail
