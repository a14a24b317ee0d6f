// LTI deep linking: post the signed response back to the platform as soon as the page loads.
document.getElementById("lti-return")?.submit();
