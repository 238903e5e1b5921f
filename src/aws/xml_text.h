// Reading single values out of the small XML documents STS answers (query protocol).
// This is not an XML parser: it finds the text of the first element with a given name,
// which is all AssumeRoleWithWebIdentity's answer and STS's error answer need. Pure
// functions: thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifeboat::aws {

//! The text of the first `<name>...</name>` (an element without attributes) in `xml`, with
//! the five predefined entities and numeric character references decoded; nullopt when
//! there is none or it holds markup.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

}  // namespace lifeboat::aws
