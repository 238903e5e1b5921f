# LIFEBOAT_PYTHON: the python3 the tests run their fakes with (tests/fakes/). The fakes
# check SigV4 signatures and request shapes with botocore, so the first interpreter that
# can import it wins: the python3 on PATH (which may carry a newer botocore), then
# Debian's /usr/bin/python3 (python3-botocore, installed by scripts/install-deps.sh).
if(NOT LIFEBOAT_PYTHON)
  set(_candidates "")
  find_program(_path_python NAMES python3 NO_CACHE)
  if(_path_python)
    list(APPEND _candidates "${_path_python}")
  endif()
  list(APPEND _candidates /usr/bin/python3)
  foreach(_py IN LISTS _candidates)
    execute_process(COMMAND "${_py}" -c "import botocore, boto3"
                    RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
    if(_rc EQUAL 0)
      set(LIFEBOAT_PYTHON "${_py}" CACHE FILEPATH "python3 with botocore, for tests/fakes/")
      break()
    endif()
  endforeach()
  if(NOT LIFEBOAT_PYTHON)
    message(WARNING "no python3 with botocore and boto3 found: run scripts/install-deps.sh; "
                    "the tests against the fake AWS endpoints will fail")
    set(LIFEBOAT_PYTHON python3)
  endif()
endif()
message(STATUS "python for tests/fakes: ${LIFEBOAT_PYTHON}")
