# lifeboat_module(NAME DEPS dep1 dep2 ... [LIBS extra link libs] [TEST_LIBS ...]
#                 [TEST_PROPERTIES prop value ...])
#
# One module = one folder under src/ = one static library `lifeboat_<NAME>`.
# Sources are the folder's *.cpp files except *_test.cpp; the *_test.cpp files form
# the module's unit-test executable `<NAME>_tests`, registered with ctest and linked with
# the test-only helpers in src/testing/ (lifeboat_testing). TEST_PROPERTIES are set on
# every test discovered in it (e.g. ${LIFEBOAT_POSTGRES_TEST_PROPERTIES}).
# Globbing (with CONFIGURE_DEPENDS) keeps parallel work on one module from fighting
# over a hand-kept source list.
function(lifeboat_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;LIBS;TEST_LIBS;TEST_PROPERTIES" ${ARGN})
  file(GLOB all_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  set(lib_sources "")
  set(test_sources "")
  foreach(src IN LISTS all_sources)
    if(src MATCHES "_test\\.cpp$")
      list(APPEND test_sources "${src}")
    else()
      list(APPEND lib_sources "${src}")
    endif()
  endforeach()
  add_library(lifeboat_${name} STATIC ${lib_sources})
  target_include_directories(lifeboat_${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  set(dep_targets "")
  foreach(dep IN LISTS ARG_DEPS)
    list(APPEND dep_targets lifeboat_${dep})
  endforeach()
  target_link_libraries(lifeboat_${name} PUBLIC ${dep_targets} ${ARG_LIBS})
  if(LIFEBOAT_BUILD_TESTS AND test_sources)
    add_executable(${name}_tests ${test_sources})
    target_link_libraries(${name}_tests PRIVATE lifeboat_${name} ${ARG_TEST_LIBS}
                          lifeboat_testing GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name}_tests PRIVATE
      LIFEBOAT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    if(ARG_TEST_PROPERTIES)
      gtest_discover_tests(${name}_tests TEST_PREFIX "${name}." DISCOVERY_MODE PRE_TEST
                           DISCOVERY_TIMEOUT 60 PROPERTIES ${ARG_TEST_PROPERTIES})
    else()
      gtest_discover_tests(${name}_tests TEST_PREFIX "${name}." DISCOVERY_MODE PRE_TEST
                           DISCOVERY_TIMEOUT 60)
    endif()
  endif()
endfunction()
